// Operator-facing text for HTTP statuses, worded after Miniflux's fetcher table.

const MESSAGES: Record<number, string> = {
  400: 'bad request (400)',
  401: 'access denied: the feed requires authentication (401)',
  403: 'access forbidden (403)',
  404: 'feed not found (404)',
  405: 'method not allowed (405)',
  406: 'the server refused every format we accept (406)',
  408: 'the server timed out waiting for the request (408)',
  410: 'gone (410): the source has been removed',
  429: 'too many requests (429): the server asked us to slow down',
  451: 'unavailable for legal reasons (451)',
  500: 'the server had an internal error (500)',
  501: 'not implemented (501)',
  502: 'bad gateway (502)',
  503: 'service unavailable (503)',
  504: 'gateway timeout (504)',
};

/** A short, human-readable explanation of an HTTP status that ended a fetch. */
export function describeHttpStatus(status: number): string {
  return MESSAGES[status] ?? `unexpected HTTP status ${status}`;
}

/** Statuses we follow as redirects (RFC 9110 §15.4); 300, 304, 305 and 306 are not. */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Redirects a client may remember (RFC 9110 §15.4.2, §15.4.9). */
export function isPermanentRedirect(status: number): boolean {
  return status === 301 || status === 308;
}
