// The one query vocabulary of the product: topic, region, province, lang, type, source, q, since,
// limit (plus before/page for paging, clusters, ui). The reader, every feed format, the JSON API,
// saved feeds and WebSub topics all parse it here, so a copied URL means the same everywhere.
// Every problem is a 400 that names the parameter and the accepted values: no value, however
// crafted, reaches the database in a form it refuses.
import { BadRequestError } from '../core/errors.ts';
import { ITEM_TYPES, PROVINCES, REGIONS, type ItemLanguage, type ItemType, type Language, type Province, type Region } from '../core/types.ts';
import type { ItemQuery } from '../store/items-query.ts';

export interface QueryVocabulary {
  topicSlugs: string[];
  sourceSlugs: string[];
}

export interface FeedQuery extends ItemQuery {
  /** Language of titles and labels in what we render (not a filter). */
  ui: Language;
}

/** Parameters that select items; their canonical form names a feed. */
export const FILTER_PARAMS = ['topic', 'region', 'province', 'lang', 'type', 'source', 'q', 'since', 'clusters'] as const;

/** The longest search the reader's form sends, and the longest we run. */
export const Q_MAX_LENGTH = 200;

/**
 * The instants both databases take: years 1 to 9999. Outside them Postgres refuses the query
 * (there is no year 0, and a five-digit year does not parse back).
 */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

const LIST_SEPARATOR = /[,\s]+/;
// C0 controls and DEL: text columns refuse NUL, and none of them belongs in a search.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A value quoted in an error message: short, so a crafted one cannot make the answer large. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** All values of a repeatable, comma-separable parameter: `?topic=a,b&topic=c` → [a, b, c]. */
export function listParam(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(LIST_SEPARATOR))
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

export function oneOf<T extends string>(name: string, values: string[], allowed: readonly T[]): T[] {
  const bad = [...new Set(values.filter((v) => !allowed.includes(v as T)))];
  if (bad.length) {
    const shown = bad.slice(0, 5).map(quoted).join(', ') + (bad.length > 5 ? ` and ${bad.length - 5} more` : '');
    throw new BadRequestError(`${name}: unknown value${bad.length > 1 ? 's' : ''} ${shown}; accepted: ${allowed.join(', ')}`);
  }
  return [...new Set(values)] as T[];
}

export function parseLimit(params: URLSearchParams, fallback: number, max: number): number {
  const raw = params.get('limit');
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new BadRequestError(`limit: must be a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

const SINCE_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseSince(params: URLSearchParams): Date | undefined {
  const raw = params.get('since');
  if (!raw) return undefined;
  // RFC 3339 timestamps and plain dates; nothing else is unambiguous.
  const m = SINCE_FORMAT.exec(raw);
  if (!m) throw new BadRequestError('since: must be a date (2024-05-01) or an RFC 3339 timestamp (2024-05-01T12:00:00Z)');
  const [year, month, day, hour = '0', minute = '0', second = '0'] = m.slice(1, 7);
  // Date() rolls 2024-02-30 over to March: check the calendar first.
  const calendar = new Date(Date.UTC(2000, Number(month) - 1, Number(day)));
  calendar.setUTCFullYear(Number(year));
  const real =
    calendar.getUTCMonth() === Number(month) - 1 && calendar.getUTCDate() === Number(day) && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
  const d = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw.replace(' ', 'T'));
  if (!real || Number.isNaN(d.getTime())) throw new BadRequestError(`since: ${quoted(raw)} is not a date of the calendar`);
  if (d.getTime() < FIRST_INSTANT || d.getTime() > LAST_INSTANT) throw new BadRequestError('since: must fall between the years 1 and 9999');
  return d;
}

function parseBoolean(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new BadRequestError(`${name}: must be true or false`);
}

function parseSearch(params: URLSearchParams): string | undefined {
  const raw = params.get('q');
  if (raw === null) return undefined;
  if (CONTROL.test(raw)) throw new BadRequestError('q: must not contain control characters');
  // One spelling per search: "rent  help " and "rent help" are the same words.
  const q = raw.trim().replace(/\s+/g, ' ');
  if (q.length > Q_MAX_LENGTH) throw new BadRequestError(`q: at most ${Q_MAX_LENGTH} characters`);
  return q || undefined;
}

/** Opaque cursor for the next page: keyset by date, or an offset when ranked by relevance. */
export function encodeCursor(next: { publishedAt: Date; id: number } | { offset: number }): string {
  const text = 'offset' in next ? `o:${next.offset}` : `${next.publishedAt.getTime()}:${next.id}`;
  return Buffer.from(text).toString('base64url');
}

function parseCursor(params: URLSearchParams): Pick<ItemQuery, 'before' | 'offset'> {
  const name = params.get('before') !== null ? 'before' : 'page';
  const raw = params.get(name);
  if (!raw) return {};
  const refuse = () => new BadRequestError(`${name}: not a cursor returned by this API; follow the "next" link of the page before`);
  if (raw.length > 64 || !/^[A-Za-z0-9_-]+=*$/.test(raw)) throw refuse();
  const text = Buffer.from(raw, 'base64url').toString();
  const offset = /^o:(\d{1,6})$/.exec(text);
  if (offset) return { offset: Number(offset[1]) };
  const m = /^(-?\d{1,16}):(\d{1,16})$/.exec(text);
  if (!m) throw refuse();
  const at = Number(m[1]);
  const id = Number(m[2]);
  if (at < FIRST_INSTANT || at > LAST_INSTANT || !Number.isSafeInteger(id) || id < 1) throw refuse();
  return { before: { publishedAt: new Date(at), id } };
}

export interface ParseOptions {
  defaultLimit: number;
  maxLimit: number;
}

export function parseFeedQuery(params: URLSearchParams, vocab: QueryVocabulary, options: ParseOptions = { defaultLimit: 20, maxLimit: 200 }): FeedQuery {
  const topics = oneOf('topic', listParam(params, 'topic'), vocab.topicSlugs);
  const regions = oneOf<Region>('region', listParam(params, 'region'), REGIONS);
  const provinces = oneOf<Province>('province', listParam(params, 'province'), PROVINCES);
  const languages = oneOf<ItemLanguage>('lang', listParam(params, 'lang'), ['en', 'fr', 'other']);
  const types = oneOf<ItemType>('type', listParam(params, 'type'), ITEM_TYPES);
  const sources = oneOf('source', listParam(params, 'source'), vocab.sourceSlugs);
  const [ui] = oneOf<Language>('ui', listParam(params, 'ui'), ['en', 'fr']);
  const q = parseSearch(params);
  const sort = oneOf('sort', listParam(params, 'sort'), ['date', 'relevance'] as const)[0];
  return {
    topics: topics.length ? topics : undefined,
    regions: regions.length ? regions : undefined,
    provinces: provinces.length ? provinces : undefined,
    languages: languages.length ? languages : undefined,
    types: types.length ? types : undefined,
    sources: sources.length ? sources : undefined,
    q,
    since: parseSince(params),
    limit: parseLimit(params, options.defaultLimit, options.maxLimit),
    clusters: parseBoolean(params, 'clusters', true),
    order: q && sort !== 'date' ? 'relevance' : 'date',
    ui: ui ?? 'en',
    ...parseCursor(params),
  };
}

/**
 * The filter part of a query as a canonical query string (sorted, lists joined): the identity of
 * an output feed, used for self links, cache keys and saved feeds.
 */
export function canonicalFilter(q: ItemQuery): string {
  const entries: [string, string][] = [];
  const add = (name: string, values: string[] | undefined) => {
    if (values?.length) entries.push([name, [...values].sort().join(',')]);
  };
  add('lang', q.languages);
  add('province', q.provinces);
  add('region', q.regions);
  add('source', q.sources);
  add('topic', q.topics);
  add('type', q.types);
  if (q.q) entries.push(['q', q.q]);
  if (q.since) entries.push(['since', q.since.toISOString()]);
  if (q.clusters === false) entries.push(['clusters', 'false']);
  entries.sort(([a], [b]) => a.localeCompare(b));
  return new URLSearchParams(entries).toString();
}
