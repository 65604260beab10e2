// Undoes Content-Encoding while streaming and counts the decompressed bytes, so a gzip or brotli
// bomb is stopped at the size cap instead of being inflated into memory.
import { Readable, pipeline, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { ProblemParams, Warning } from '../core/types.ts';

/** A problem with the body's bytes, classified for FetchFailed. */
export class BodyError extends Error {
  constructor(readonly code: 'bad-encoding' | 'too-large', message: string, readonly params: ProblemParams = {}) {
    super(message);
    this.name = 'BodyError';
  }
}

type Coding = 'gzip' | 'deflate' | 'br';

/** More layers than this is an attack or a broken server, not a feed. */
const MAX_LAYERS = 3;

const isGzipMagic = (head: Buffer) => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/** zlib (RFC 1950) header: deflate method and a header checksum divisible by 31. */
const isZlibHeader = (head: Buffer) => head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;

/**
 * Reads a Content-Encoding header into the codings to undo, outermost first (RFC 9110 §8.4: the
 * header lists them in the order they were applied).
 */
export function parseContentEncoding(header: string | undefined): Coding[] {
  if (!header) return [];
  const codings: Coding[] = [];
  for (const raw of header.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '' || name === 'identity') continue;
    if (name === 'gzip' || name === 'x-gzip') codings.push('gzip');
    else if (name === 'deflate') codings.push('deflate');
    else if (name === 'br') codings.push('br');
    else throw new BodyError('bad-encoding', `unsupported content encoding "${name.slice(0, 20)}"`);
  }
  if (codings.length > MAX_LAYERS) throw new BodyError('bad-encoding', `too many content encodings (${codings.length})`);
  return codings.reverse();
}

/** Splits off the first `size` bytes of a stream without losing them. */
async function peek(source: AsyncIterable<Buffer>, size: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      yield* seen;
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { head: Buffer.concat(seen, length).subarray(0, size), all: replay() };
}

/** Errors zlib raises for bad data: Z_DATA_ERROR and friends, and brotli's ERR__ERROR_FORMAT_*. */
function isZlibError(err: unknown): boolean {
  return /^(Z_|ERR__ERROR|ERR_BROTLI|ERR_ZLIB)/.test((err as NodeJS.ErrnoException | undefined)?.code ?? '');
}

async function* pipeThrough(source: AsyncIterable<Buffer>, decoder: Transform, coding: Coding): AsyncGenerator<Buffer> {
  // pipeline() destroys both sides when either fails or when the consumer stops early,
  // which is what stops an endless body at the cap.
  pipeline(Readable.from(source), decoder, () => {});
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } catch (err) {
    if (isZlibError(err)) throw new BodyError('bad-encoding', `corrupt ${coding} data (${(err as Error).message})`);
    throw err;
  }
}

async function* decodeLayer(source: AsyncIterable<Buffer>, coding: Coding, warnings: Warning[]): AsyncGenerator<Buffer> {
  const { head, all } = await peek(source, 2);
  if (head.length === 0) return;
  if (coding === 'gzip' && !isGzipMagic(head)) {
    warnings.push({ code: 'gzip-mislabelled' });
    yield* all;
    return;
  }
  const decoder =
    coding === 'gzip' ? zlib.createGunzip()
    // "deflate" should be zlib-wrapped (RFC 9110 §8.4.1.2), but servers send raw deflate too.
    : coding === 'deflate' ? (isZlibHeader(head) ? zlib.createInflate() : zlib.createInflateRaw())
    : zlib.createBrotliDecompress();
  yield* pipeThrough(all, decoder, coding);
}

async function* sniffUndeclaredGzip(source: AsyncIterable<Buffer>, warnings: Warning[]): AsyncGenerator<Buffer> {
  const { head, all } = await peek(source, 2);
  if (isGzipMagic(head)) {
    warnings.push({ code: 'gzip-unlabelled' });
    yield* pipeThrough(all, zlib.createGunzip(), 'gzip');
  } else {
    yield* all;
  }
}

/** The decoded body as a stream. A body that starts with the gzip magic but declares no encoding is gunzipped too. */
export function decodeContent(body: AsyncIterable<Buffer>, codings: Coding[], warnings: Warning[]): AsyncIterable<Buffer> {
  if (codings.length === 0) return sniffUndeclaredGzip(body, warnings);
  let stream: AsyncIterable<Buffer> = body;
  for (const coding of codings) stream = decodeLayer(stream, coding, warnings);
  return stream;
}

/** Collects a stream, failing as soon as it grows past `maxBytes`; stopping early tears the source down. */
export async function collectWithCap(stream: AsyncIterable<Buffer>, maxBytes: number, describeCap: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.length;
    if (total > maxBytes) throw new BodyError('too-large', `response too large (over ${describeCap})`, { limitBytes: maxBytes });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Reads at most `limit` decoded bytes and stops, for sniffing error pages; never fails on size. */
export async function collectPrefix(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= limit) break;
  }
  return Buffer.concat(chunks, total).subarray(0, limit);
}
