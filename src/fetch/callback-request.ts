// One request to a WebSub subscriber's callback: the intent-verification GET (W3C WebSub §5.3)
// or a content-distribution POST (§7). The SSRF guard of fetch-feed applies: literal addresses
// are checked before anything is sent, resolved names through the guarded lookup, and the peer
// again on connect. Redirects are never followed (a 3xx is a failure for both uses, §5.3.1, §7),
// every exchange has a connect and a total deadline, and a problem is a value, never a throw.
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockedAddressError, createGuardedLookup, isAddressAllowed, literalAddress, type GuardSettings, type Resolver } from './address-guard.ts';

export interface CallbackSettings extends GuardSettings {
  userAgent: string;
  /** Whole exchange: connect, request body, response head and whatever body is read. */
  timeoutMs: number;
  connectTimeoutMs: number;
}

export interface CallbackRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Response bytes to keep (the challenge echo); 0, the default, answers as soon as the status is known. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export interface CallbackDeps {
  /** DNS seam for tests. */
  resolve?: Resolver;
  /** Extra trusted CA certificates (PEM), e.g. a test server's self-signed one. */
  ca?: string | Buffer | (string | Buffer)[];
}

export type CallbackErrorCode = 'bad-url' | 'blocked' | 'dns' | 'connect' | 'tls' | 'timeout' | 'network' | 'aborted';

export type CallbackResult =
  | { kind: 'response'; status: number; body: string; /** The body went on past maxResponseBytes. */ truncated: boolean; durationMs: number }
  | { kind: 'failed'; code: CallbackErrorCode; error: string; durationMs: number };

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'EREFUSED']);

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

function classify(err: unknown, hostname: string): { code: CallbackErrorCode; error: string } {
  if (err instanceof BlockedAddressError) return { code: 'blocked', error: err.message };
  const e = err as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? '';
  if (DNS_CODES.has(code)) return { code: 'dns', error: `DNS lookup failed for ${hostname} (${code})` };
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) {
    return { code: 'tls', error: `TLS error: ${(e?.message ?? code).slice(0, 160)}` };
  }
  if (NETWORK_MESSAGES[code]) return { code: 'connect', error: NETWORK_MESSAGES[code] };
  return { code: 'network', error: `network error: ${(e?.message ?? String(err)).slice(0, 160)}` };
}

export function requestCallback(request: CallbackRequest, settings: CallbackSettings, deps: CallbackDeps = {}): Promise<CallbackResult> {
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  const failed = (code: CallbackErrorCode, error: string): CallbackResult => ({ kind: 'failed', code, error, durationMs: durationMs() });

  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return Promise.resolve(failed('bad-url', 'invalid callback URL'));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.resolve(failed('bad-url', 'callback URL must be http or https'));
  const literal = literalAddress(url);
  if (literal !== undefined && !isAddressAllowed(literal, settings)) {
    return Promise.resolve(failed('blocked', new BlockedAddressError(literal).message));
  }
  if (request.signal?.aborted) return Promise.resolve(failed('aborted', 'aborted'));

  return new Promise((resolve) => {
    const secure = url.protocol === 'https:';
    const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    const options: https.RequestOptions = {
      hostname: literal ?? url.hostname,
      port: url.port ? Number(url.port) : secure ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: {
        'User-Agent': settings.userAgent,
        'Accept-Encoding': 'identity',
        ...request.headers,
        ...(body ? { 'Content-Length': String(body.length) } : {}),
      },
      agent: false,
      lookup: createGuardedLookup(settings, deps.resolve),
    };
    if (secure && deps.ca) options.ca = deps.ca;

    let req: ClientRequest;
    let res: IncomingMessage | undefined;
    let settled = false;
    const finish = (result: CallbackResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(connectTimer);
      request.signal?.removeEventListener('abort', onAbort);
      res?.destroy();
      req?.destroy();
      resolve(result);
    };
    const onAbort = () => finish(failed('aborted', 'aborted'));
    const deadline = setTimeout(() => finish(failed('timeout', `no answer within ${seconds(settings.timeoutMs)}`)), settings.timeoutMs);
    const connectTimer = setTimeout(
      () => finish(failed('connect', `connection timed out (no connection within ${seconds(settings.connectTimeoutMs)})`)),
      settings.connectTimeoutMs,
    );
    request.signal?.addEventListener('abort', onAbort, { once: true });

    try {
      req = (secure ? https : http).request(options);
    } catch (err) {
      finish(failed('bad-url', `cannot request this URL (${(err as Error).message.slice(0, 100)})`));
      return;
    }
    req.once('socket', (socket) => {
      const checkPeer = () => {
        clearTimeout(connectTimer);
        const peer = socket.remoteAddress;
        if (peer && !isAddressAllowed(peer, settings)) {
          const blocked = new BlockedAddressError(peer, url.hostname);
          finish(failed('blocked', blocked.message));
        }
      };
      if (socket.connecting) socket.once('connect', checkPeer);
      else checkPeer();
    });
    req.on('error', (err) => {
      const { code, error } = classify(err, url.hostname);
      finish(failed(code, error));
    });
    req.once('response', (response) => {
      res = response;
      response.on('error', () => {});
      const status = response.statusCode ?? 0;
      const cap = request.maxResponseBytes ?? 0;
      if (cap <= 0) {
        // The body of a distribution answer MUST be ignored (§7): no need to wait for it.
        finish({ kind: 'response', status, body: '', truncated: false, durationMs: durationMs() });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (truncated: boolean) =>
        finish({ kind: 'response', status, body: Buffer.concat(chunks).toString('utf8'), truncated, durationMs: durationMs() });
      response.on('data', (chunk: Buffer) => {
        const room = cap - size;
        chunks.push(chunk.subarray(0, room));
        size += Math.min(chunk.length, room);
        // More than we keep: stop reading, the caller knows the body was longer.
        if (chunk.length > room) done(true);
      });
      response.once('end', () => done(false));
      response.once('close', () => {
        if (!response.complete) finish(failed('network', 'connection lost while reading the answer'));
      });
    });
    req.end(body);
  });
}
