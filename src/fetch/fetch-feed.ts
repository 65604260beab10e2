// Fetches one feed: conditional GET over node:http(s), redirects followed by hand and re-checked by
// the SSRF guard, connect and total deadlines, a cap on decompressed bytes, then charset decoding.
// Every outcome is a FetchResult value; a network or HTTP problem never throws.
import { createHash } from 'node:crypto';
import http, { type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { FetchSettings } from '../core/config.ts';
import type { FetchErrorCode, ProblemParams, Warning } from '../core/types.ts';
import { BlockedAddressError, createGuardedLookup, isAddressAllowed, literalAddress, type Resolver } from './address-guard.ts';
import { parseCacheLifetime, parseRetryAfter } from './cache-hints.ts';
import { decodeFeedBytes } from './charset.ts';
import { BodyError, collectPrefix, collectWithCap, decodeContent, parseContentEncoding } from './content-decoding.ts';
import { describeHttpStatus, isPermanentRedirect, isRedirectStatus } from './http-status.ts';

export const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5';
export const ACCEPT_ENCODING = 'gzip, deflate, br';

export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  signal?: AbortSignal;
}

export type { FetchErrorCode };

export interface FetchRedirect {
  from: string;
  to: string;
  status: number;
}

interface FetchCommon {
  /** The URL of the last response, after redirects. */
  url: string;
  redirects: FetchRedirect[];
  /**
   * Set on ok / not-modified when every hop was 301/308, the target differs from the requested
   * URL and no https→http downgrade happened: the URL the Source may move to.
   */
  permanentRedirect?: string;
  warnings: Warning[];
  durationMs: number;
  /** Headers of the response from `url`, names lowercased; empty when none arrived. */
  headers: Record<string, string>;
  /** Freshness from Cache-Control max-age or Expires, when the response gave one. */
  cacheMaxAgeSeconds?: number;
}

export interface FetchOk extends FetchCommon {
  kind: 'ok';
  status: number;
  /** The body after Content-Encoding was undone. */
  bytes: Buffer;
  /** SHA-256 of `bytes` (base64url): the same body twice is the same hash. */
  bodyHash: string;
  /** The body decoded to text (see charset.ts). */
  text: string;
  encoding: string;
  contentType?: string;
  etag?: string;
  lastModified?: string;
}

export interface FetchNotModified extends FetchCommon {
  kind: 'not-modified';
  status: 304;
  etag?: string;
  lastModified?: string;
}

export interface FetchFailed extends FetchCommon {
  kind: 'failed';
  status?: number;
  code: FetchErrorCode;
  /** The facts web/ words the failure with (status, limits, and for operators only the address and host). */
  params: ProblemParams;
  /** The same in English, for logs and operators; never carries response body bytes. */
  error: string;
  /** From Retry-After on 429/503, clamped to [60 s, 7 d]. */
  retryAfterSeconds?: number;
  /** 410: the publisher removed the feed. */
  gone?: boolean;
}

export type FetchResult = FetchOk | FetchNotModified | FetchFailed;

export interface FetchDeps {
  /** DNS for host names; default: the system resolver, every address. */
  resolve?: Resolver;
  /** Extra trusted CA certificates (PEM), e.g. a test server's self-signed one. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Wall clock for Retry-After and Expires arithmetic. */
  now?: () => number;
}

/** A failure already classified; thrown inside this module only and turned into a FetchFailed. */
class FetchFailure extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly params: ProblemParams = {},
    readonly extra: { retryAfterSeconds?: number; gone?: boolean } = {},
  ) {
    super(message);
    this.name = 'FetchFailure';
  }
}

/** Header values Node would reject (RFC 9110 §5.5 field-value). */
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Media types that are never a feed; anything textual is left for the parser to judge. */
const NEVER_A_FEED = /^(image|audio|video|font)\/|^application\/(pdf|zip|wasm|msword|vnd\.)/i;

/** Cloudflare's interstitial pages ("Just a moment...", "Attention Required!"). */
const CHALLENGE_PAGE =
  /<title>\s*(just a moment|attention required|checking your browser)|\/cdn-cgi\/challenge-platform\/|_cf_chl_opt|cf-browser-verification/i;

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / 1024 / 1024).toFixed(1))} MiB` : `${Number((bytes / 1024).toFixed(1))} KiB`;
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function buildRequestHeaders(request: FetchRequest, settings: FetchSettings, warnings: Warning[]): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'User-Agent': settings.userAgent,
    Accept: ACCEPT,
    'Accept-Encoding': ACCEPT_ENCODING,
  };
  // Validators go back exactly as stored, weak prefix included (RFC 9110 §13.1.2).
  if (request.etag) {
    if (INVALID_HEADER_VALUE.test(request.etag)) warnings.push({ code: 'etag-not-sent' });
    else headers['If-None-Match'] = request.etag;
  }
  if (request.lastModified) {
    if (INVALID_HEADER_VALUE.test(request.lastModified)) warnings.push({ code: 'last-modified-not-sent' });
    else headers['If-Modified-Since'] = request.lastModified;
  }
  return headers;
}

/** Scheme and literal-address checks, before anything is sent to `url`. */
function ensureFetchable(url: URL, settings: FetchSettings, viaRedirect: boolean): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const scheme = url.protocol.replace(/:$/, '');
    throw new FetchFailure('bad-url', `${viaRedirect ? 'redirect to ' : ''}unsupported URL scheme "${scheme}" (only http and https)`, {
      scheme: scheme.slice(0, 20),
      ...(viaRedirect ? { viaRedirect } : {}),
    });
  }
  const literal = literalAddress(url);
  if (literal !== undefined && !isAddressAllowed(literal, settings)) {
    if (viaRedirect) throw new FetchFailure('blocked', `blocked: redirect to non-public address (${literal})`, { address: literal, viaRedirect });
    throw new BlockedAddressError(literal);
  }
}

interface Deadline {
  signal: AbortSignal;
  dispose(): void;
}

/** One clock for the whole fetch (every hop, headers and body), plus the caller's abort. */
function startDeadline(timeoutMs: number, callerSignal: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new FetchFailure('timeout', `timed out after ${formatSeconds(timeoutMs)}`, { seconds: timeoutMs / 1000 })),
    timeoutMs,
  );
  const onCallerAbort = () => controller.abort(new FetchFailure('aborted', 'fetch aborted'));
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

interface Exchange {
  res: IncomingMessage;
  /** Frees the socket and stops listening for the deadline; safe to call twice. */
  release(): void;
}

/**
 * Sends one GET and resolves with the response head. The guarded lookup checks resolved
 * addresses before the socket connects; the peer address is checked again on connect, before
 * the request is written (the 'socket' listener runs ahead of the request's own flush).
 */
function sendRequest(url: URL, headers: OutgoingHttpHeaders, settings: FetchSettings, deps: FetchDeps, signal: AbortSignal): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions = {
      hostname: literalAddress(url) ?? url.hostname,
      port: url.port ? Number(url.port) : secure ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      agent: false,
      lookup: createGuardedLookup(settings, deps.resolve),
    };
    if (secure && deps.ca) options.ca = deps.ca;

    let req: ClientRequest;
    try {
      req = (secure ? https : http).request(options);
    } catch (err) {
      reject(new FetchFailure('bad-url', `cannot request this URL (${(err as Error).message.slice(0, 100)})`));
      return;
    }
    let res: IncomingMessage | undefined;
    let settled = false;

    const release = () => {
      clearTimeout(connectTimer);
      signal.removeEventListener('abort', onAbort);
      res?.destroy();
      req.destroy();
    };
    const fail = (err: unknown) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
      release();
    };
    const onAbort = () => {
      // Destroying the response with the reason makes a pending body read reject at once.
      res?.destroy(signal.reason as Error);
      fail(signal.reason);
    };
    const connectTimer = setTimeout(
      () =>
        fail(
          new FetchFailure('connect', `connection timed out (no connection within ${formatSeconds(settings.connectTimeoutMs)})`, {
            cause: 'ETIMEDOUT',
            seconds: settings.connectTimeoutMs / 1000,
          }),
        ),
      settings.connectTimeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });

    req.once('socket', (socket) => {
      const checkPeer = () => {
        clearTimeout(connectTimer);
        const peer = socket.remoteAddress;
        if (peer && !isAddressAllowed(peer, settings)) fail(new BlockedAddressError(peer, url.hostname));
      };
      if (socket.connecting) socket.once('connect', checkPeer);
      else checkPeer();
    });
    req.on('error', fail);
    req.once('response', (response) => {
      res = response;
      response.on('error', () => {}); // surfaced to whoever reads the body; never an unhandled event
      if (settled) {
        response.destroy();
        return;
      }
      settled = true;
      clearTimeout(connectTimer);
      resolve({ res: response, release });
    });
    req.end();
  });
}

const NETWORK_MESSAGES: Record<string, [FetchErrorCode, string]> = {
  ECONNREFUSED: ['connect', 'connection refused'],
  ECONNRESET: ['connect', 'connection reset by the server'],
  EPIPE: ['connect', 'connection closed by the server'],
  ETIMEDOUT: ['connect', 'connection timed out'],
  EHOSTUNREACH: ['connect', 'host unreachable'],
  ENETUNREACH: ['connect', 'network unreachable'],
  EADDRNOTAVAIL: ['connect', 'address not available'],
};

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ENOTIMP', 'EREFUSED']);

function isTlsError(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO' ||
    /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/.test(code)
  );
}

/** Maps anything thrown during a fetch to a code and a message an operator can act on. */
function classifyError(err: unknown, hostname: string, redirected: boolean): FetchFailure {
  if (err instanceof FetchFailure) return err;
  if (err instanceof BodyError) return new FetchFailure(err.code, err.message, err.params);
  if (err instanceof BlockedAddressError) {
    const params = { address: err.address, ...(err.hostname && err.hostname !== err.address ? { host: err.hostname } : {}) };
    if (!redirected) return new FetchFailure('blocked', err.message, params);
    return new FetchFailure('blocked', `blocked: redirect to non-public address (${err.address})`, { ...params, viaRedirect: true });
  }
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  const cause = code ? { cause: code.slice(0, 60) } : {};
  const detail = (e?.message ?? String(err)).slice(0, 160);
  if (DNS_CODES.has(code)) return new FetchFailure('dns', `DNS lookup failed for ${hostname} (${code})`, { host: hostname, ...cause });
  if (isTlsError(code)) return new FetchFailure('tls', `TLS error: ${detail}`, cause);
  const known = NETWORK_MESSAGES[code];
  if (known) return new FetchFailure(known[0], known[1], cause);
  if (code.startsWith('HPE_')) return new FetchFailure('network', `malformed HTTP response (${code})`, cause);
  return new FetchFailure('network', `network error: ${detail}`, cause);
}

/** Reads the body through decompression and the size cap; a broken connection is a 'network' failure. */
async function readBody(res: IncomingMessage, settings: FetchSettings, warnings: Warning[], signal: AbortSignal): Promise<Buffer> {
  try {
    const codings = parseContentEncoding(res.headers['content-encoding']);
    return await collectWithCap(decodeContent(res, codings, warnings), settings.maxBytes, formatSize(settings.maxBytes));
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof BodyError || err instanceof FetchFailure) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new FetchFailure('network', `connection lost while reading the response${code ? ` (${code})` : ''}`, code ? { cause: code } : {});
  }
}

/** Looks at the start of an error page for a bot-protection interstitial; any failure means "no". */
async function isChallengePage(res: IncomingMessage): Promise<boolean> {
  if (!/^\s*text\/html/i.test(res.headers['content-type'] ?? '')) return false;
  try {
    const codings = parseContentEncoding(res.headers['content-encoding']);
    const prefix = await collectPrefix(decodeContent(res, codings, []), 32 * 1024);
    return CHALLENGE_PAGE.test(prefix.toString('latin1'));
  } catch {
    return false;
  }
}

type Outcome =
  | { kind: 'ok'; status: number; bytes: Buffer; bodyHash: string; text: string; encoding: string; contentType?: string; etag?: string; lastModified?: string }
  | { kind: 'not-modified'; status: 304; etag?: string; lastModified?: string };

async function handleFinalResponse(
  res: IncomingMessage,
  headers: Record<string, string>,
  request: FetchRequest,
  settings: FetchSettings,
  warnings: Warning[],
  signal: AbortSignal,
  nowMs: number,
): Promise<Outcome> {
  const status = res.statusCode ?? 0;
  const contentType = headers['content-type'];
  const isHtml = /^\s*text\/html/i.test(contentType ?? '');

  if (status === 304) {
    // RFC 9111 §4.3.4: a 304 carries the validators to store from now on; absent, the old ones stand.
    return {
      kind: 'not-modified',
      status: 304,
      etag: headers.etag ?? request.etag ?? undefined,
      lastModified: headers['last-modified'] ?? request.lastModified ?? undefined,
    };
  }

  const botProtection = new FetchFailure('bot-protection', `blocked by bot protection (${status})`, { status });
  if (/\bchallenge\b/i.test(headers['cf-mitigated'] ?? '')) throw botProtection;
  if ((status === 403 || status === 503) && (await isChallengePage(res))) throw botProtection;

  if (status === 410) throw new FetchFailure('http', describeHttpStatus(410), { status }, { gone: true });
  if (status === 429 || status === 503) {
    const retryAfterSeconds = parseRetryAfter(headers, nowMs);
    throw new FetchFailure('http', describeHttpStatus(status), { status }, { retryAfterSeconds });
  }
  if (status < 200 || status >= 300) throw new FetchFailure('http', describeHttpStatus(status), { status });
  if (status === 204 || status === 205) throw new FetchFailure('empty', `empty response (${status})`, { status });
  if (status !== 200 && status !== 203) throw new FetchFailure('http', describeHttpStatus(status), { status });

  const declaredLength = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  if (declaredLength === 0) throw new FetchFailure('empty', 'empty response');
  if (declaredLength !== undefined && declaredLength > settings.maxBytes) {
    throw new FetchFailure('too-large', `response too large (over ${formatSize(settings.maxBytes)})`, { limitBytes: settings.maxBytes });
  }
  if (contentType && NEVER_A_FEED.test(contentType.trim())) {
    const mediaType = contentType.split(';')[0].trim().slice(0, 60);
    throw new FetchFailure('not-a-feed', `not a feed (${mediaType})`, { contentType: mediaType });
  }

  const bytes = await readBody(res, settings, warnings, signal);
  if (bytes.length === 0) throw new FetchFailure('empty', 'empty response');
  // An HTML page is the parser's to call "not a feed", unless it is a bot-protection interstitial.
  if (isHtml && CHALLENGE_PAGE.test(bytes.subarray(0, 32 * 1024).toString('latin1'))) throw botProtection;
  const decoded = decodeFeedBytes(bytes, contentType);
  warnings.push(...decoded.warnings);
  if (!decoded.ok) throw new FetchFailure('charset', decoded.error, decoded.params);
  if (decoded.text.trim() === '') throw new FetchFailure('empty', 'empty response (whitespace only)');

  return {
    kind: 'ok',
    status,
    bytes,
    bodyHash: createHash('sha256').update(bytes).digest('base64url'),
    text: decoded.text,
    encoding: decoded.encoding,
    contentType,
    etag: headers.etag,
    lastModified: headers['last-modified'],
  };
}

/**
 * Fetches `request.url` with the stored validators. Redirects (at most settings.maxRedirects) are
 * followed by hand so that every hop is re-validated; the SSRF guard also checks the address each
 * socket actually connects to. The caller decides what to do with the result (see FetchResult).
 */
export async function fetchFeed(request: FetchRequest, settings: FetchSettings, deps: FetchDeps = {}): Promise<FetchResult> {
  const started = performance.now();
  const now = deps.now ?? Date.now;
  const warnings: Warning[] = [];
  const redirects: FetchRedirect[] = [];
  let headers: Record<string, string> = {};
  let currentUrl = request.url;
  let downgraded = false;
  /** Status of the final (non-redirect) response, reported with any failure found after it. */
  let finalStatus: number | undefined;

  const common = (): FetchCommon => {
    const cacheMaxAgeSeconds = parseCacheLifetime(headers, now());
    return {
      url: currentUrl,
      redirects,
      warnings,
      durationMs: Math.round(performance.now() - started),
      headers,
      ...(cacheMaxAgeSeconds === undefined ? {} : { cacheMaxAgeSeconds }),
    };
  };
  const failed = (failure: FetchFailure): FetchFailed => ({
    kind: 'failed',
    ...common(),
    code: failure.code,
    params: failure.params,
    error: failure.message,
    ...((failure.params.status ?? finalStatus) === undefined ? {} : { status: failure.params.status ?? finalStatus }),
    ...(failure.extra.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failure.extra.retryAfterSeconds }),
    ...(failure.extra.gone ? { gone: true } : {}),
  });

  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return failed(new FetchFailure('bad-url', `invalid URL "${request.url.slice(0, 200)}"`));
  }
  const requested = url.href;
  currentUrl = requested;

  const deadline = startDeadline(settings.timeoutMs, request.signal);
  const requestHeaders = buildRequestHeaders(request, settings, warnings);
  try {
    ensureFetchable(url, settings, false);
    for (;;) {
      if (deadline.signal.aborted) throw deadline.signal.reason;
      currentUrl = url.href;
      headers = {};
      const exchange = await sendRequest(url, requestHeaders, settings, deps, deadline.signal);
      try {
        const { res } = exchange;
        const status = res.statusCode ?? 0;
        headers = flattenHeaders(res.headers);

        if (isRedirectStatus(status)) {
          const location = res.headers.location;
          if (!location) throw new FetchFailure('http', `redirect (${status}) without a Location header`, { status });
          if (redirects.length >= settings.maxRedirects) {
            throw new FetchFailure('too-many-redirects', `too many redirects (more than ${settings.maxRedirects})`, { status, count: settings.maxRedirects });
          }
          let target: URL;
          try {
            target = new URL(location, url);
          } catch {
            throw new FetchFailure('bad-url', 'redirect to an invalid URL', { status, viaRedirect: true });
          }
          ensureFetchable(target, settings, true);
          if (url.protocol === 'https:' && target.protocol === 'http:') {
            downgraded = true;
            warnings.push({ code: 'https-downgrade', params: { target: target.origin } });
          }
          redirects.push({ from: url.href, to: target.href, status });
          url = target;
          continue;
        }

        finalStatus = status;
        const outcome = await handleFinalResponse(res, headers, request, settings, warnings, deadline.signal, now());
        const permanent =
          redirects.length > 0 && !downgraded && url.href !== requested && redirects.every((r) => isPermanentRedirect(r.status));
        return { ...common(), ...(permanent ? { permanentRedirect: url.href } : {}), ...outcome };
      } finally {
        exchange.release();
      }
    }
  } catch (err) {
    const reason = deadline.signal.aborted ? deadline.signal.reason : err;
    return failed(classifyError(reason, url.hostname, redirects.length > 0));
  } finally {
    deadline.dispose();
  }
}
