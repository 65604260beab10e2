// Query-string parsing shared by every list endpoint: one vocabulary (source, lang, since, limit …),
// validated with clear 400s that name the parameter and the accepted values.
import { BadRequestError } from '../core/errors.ts';
import type { ItemLanguage } from '../core/types.ts';
import type { ItemQuery } from '../store/items-query.ts';

const LIST_SEPARATOR = /[,\s]+/;

/** All values of a repeatable, comma-separable parameter: `?topic=a,b&topic=c` → [a, b, c]. */
export function listParam(url: URL, name: string): string[] {
  return url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(LIST_SEPARATOR))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function oneOf<T extends string>(name: string, values: string[], allowed: readonly T[]): T[] {
  const bad = values.filter((v) => !allowed.includes(v as T));
  if (bad.length) {
    throw new BadRequestError(`${name}: unknown value${bad.length > 1 ? 's' : ''} ${bad.map((b) => `"${b}"`).join(', ')}; accepted: ${allowed.join(', ')}`);
  }
  return [...new Set(values)] as T[];
}

export function parseLimit(url: URL, fallback: number, max: number): number {
  const raw = url.searchParams.get('limit');
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new BadRequestError(`limit: must be a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

export function parseSince(url: URL): Date | undefined {
  const raw = url.searchParams.get('since');
  if (!raw) return undefined;
  // Accept RFC 3339 timestamps and plain dates; nothing else is unambiguous.
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(raw)) {
    throw new BadRequestError('since: must be a date (2024-05-01) or an RFC 3339 timestamp (2024-05-01T12:00:00Z)');
  }
  const d = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(d.getTime())) throw new BadRequestError('since: not a valid date');
  return d;
}

/** Opaque keyset cursor for "older items" pages. */
export function encodeCursor(publishedAt: Date, id: number): string {
  return Buffer.from(`${publishedAt.getTime()}:${id}`).toString('base64url');
}

export function parseCursor(url: URL): ItemQuery['before'] {
  const raw = url.searchParams.get('before');
  if (!raw) return undefined;
  const m = /^(-?\d+):(\d+)$/.exec(Buffer.from(raw, 'base64url').toString());
  if (!m) throw new BadRequestError('before: not a cursor returned by this API');
  return { publishedAt: new Date(Number(m[1])), id: Number(m[2]) };
}

export interface QueryVocabulary {
  sourceSlugs: string[];
}

export function parseItemQuery(url: URL, vocab: QueryVocabulary, limits = { fallback: 20, max: 200 }): ItemQuery {
  const sources = oneOf('source', listParam(url, 'source'), vocab.sourceSlugs);
  const languages = oneOf<ItemLanguage>('lang', listParam(url, 'lang'), ['en', 'fr', 'other']);
  return {
    sources: sources.length ? sources : undefined,
    languages: languages.length ? languages : undefined,
    since: parseSince(url),
    limit: parseLimit(url, limits.fallback, limits.max),
    before: parseCursor(url),
  };
}
