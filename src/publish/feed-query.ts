// The one query vocabulary of the product: topic, region, province, lang, type, source, q, since,
// limit (plus before/page for paging, clusters, ui, prefer). The reader, every feed format, the JSON API,
// saved feeds and WebSub topics all parse it here, so a copied URL means the same everywhere.
// Every problem is a 400 that names the parameter and the accepted values, as an English message
// and as data (QueryProblem) the web layer words in the reader's language: no value, however
// crafted, reaches the database in a form it refuses, and no misspelt parameter is silently ignored.
import { BadRequestError } from '../core/errors.ts';
import { ITEM_TYPES, PROVINCES, REGIONS, type ItemLanguage, type ItemType, type Language, type Province, type Region } from '../core/types.ts';
import { isTrackingParam } from '../normalize/canonical-url.ts';
import type { ItemQuery } from '../store/items-query.ts';
import { expandSearch, type SearchTerms } from './bilingual-search.ts';

export interface QueryVocabulary {
  topicSlugs: string[];
  sourceSlugs: string[];
  /** The terms a search is read with in both languages; without them a search finds its own words only. */
  searchTerms?: SearchTerms;
}

export interface FeedQuery extends ItemQuery {
  /** Language of titles and labels in what we render (not a filter). */
  ui: Language;
  /** How many items came before this page, when its cursor says (the reader shows "items 21–40"). */
  seen?: number;
}

/** Parameters that select items; their canonical form names a feed. */
export const FILTER_PARAMS = ['topic', 'region', 'province', 'lang', 'type', 'source', 'q', 'since', 'clusters'] as const;

/**
 * What a selection takes besides its filter: its size, its order, the language of its words, and
 * the language a story told in both is listed in (`prefer`; `ui` implies it).
 */
export const QUERY_PARAMS: readonly string[] = [...FILTER_PARAMS, 'limit', 'sort', 'ui', 'prefer'];

/** The cursors of paged lists (the API and the reader; a feed has no pages and ignores them). */
export const PAGE_PARAMS: readonly string[] = ['before', 'page'];


export type QueryProblemCode =
  | 'unknown-parameter'
  | 'unknown-value'
  | 'bad-number'
  | 'bad-since'
  | 'since-out-of-range'
  | 'bad-boolean'
  | 'control-characters'
  | 'too-long'
  | 'bad-cursor';

/** One problem of a query as data: its code, the parameter, and what helps to put it right. */
export interface QueryProblem {
  code: QueryProblemCode;
  parameter: string;
  /** The values refused (unknown-value), quoted short. */
  values?: string[];
  /** The accepted values or parameters. */
  accepted?: readonly string[];
  /** The parameter meant, for a misspelt one. */
  suggestion?: string;
  /** "&amp;" was copied where "&" belongs: the suggestion is the name without "amp;". */
  escapedAmpersand?: boolean;
  min?: number;
  max?: number;
}

/** A query that cannot be read: a 400 whose JSON carries the problem as `details`. */
export class QueryError extends BadRequestError {
  constructor(message: string, readonly problem: QueryProblem) {
    super(message, problem);
  }
}

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
    throw new QueryError(`${name}: unknown value${bad.length > 1 ? 's' : ''} ${shown}; accepted: ${allowed.join(', ')}`, {
      code: 'unknown-value',
      parameter: name,
      values: bad.slice(0, 5).map((v) => (v.length > 40 ? `${v.slice(0, 40)}…` : v)),
      accepted: allowed,
    });
  }
  return [...new Set(values)] as T[];
}

export function parseLimit(params: URLSearchParams, fallback: number, max: number): number {
  const raw = params.get('limit');
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new QueryError(`limit: must be a whole number from 1 to ${max}`, { code: 'bad-number', parameter: 'limit', min: 1, max });
  }
  return Number(raw);
}

/** A whole number from `min` to `max`, or undefined when the parameter is absent or empty. */
export function parseWholeNumber(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new QueryError(`${name}: must be a whole number from ${min} to ${max}`, { code: 'bad-number', parameter: name, min, max });
  }
  return Number(raw);
}

const SINCE_FORMAT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseSince(params: URLSearchParams): Date | undefined {
  const raw = params.get('since');
  if (!raw) return undefined;
  // RFC 3339 timestamps and plain dates; nothing else is unambiguous.
  const m = SINCE_FORMAT.exec(raw);
  if (!m) throw new QueryError('since: must be a date (2024-05-01) or an RFC 3339 timestamp (2024-05-01T12:00:00Z)', { code: 'bad-since', parameter: 'since' });
  const [year, month, day, hour = '0', minute = '0', second = '0'] = m.slice(1, 7);
  // Date() rolls 2024-02-30 over to March: check the calendar first.
  const calendar = new Date(Date.UTC(2000, Number(month) - 1, Number(day)));
  calendar.setUTCFullYear(Number(year));
  const real =
    calendar.getUTCMonth() === Number(month) - 1 && calendar.getUTCDate() === Number(day) && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60;
  const d = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw.replace(' ', 'T'));
  if (!real || Number.isNaN(d.getTime())) throw new QueryError(`since: ${quoted(raw)} is not a date of the calendar`, { code: 'bad-since', parameter: 'since' });
  if (d.getTime() < FIRST_INSTANT || d.getTime() > LAST_INSTANT) {
    throw new QueryError('since: must fall between the years 1 and 9999', { code: 'since-out-of-range', parameter: 'since', min: 1, max: 9999 });
  }
  return d;
}

function parseBoolean(params: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new QueryError(`${name}: must be true or false`, { code: 'bad-boolean', parameter: name, accepted: ['true', 'false'] });
}

function parseSearch(params: URLSearchParams): string | undefined {
  const raw = params.get('q');
  if (raw === null) return undefined;
  if (CONTROL.test(raw)) throw new QueryError('q: must not contain control characters', { code: 'control-characters', parameter: 'q' });
  // One spelling per search: "rent  help " and "rent help" are the same words.
  const q = raw.trim().replace(/\s+/g, ' ');
  if (q.length > Q_MAX_LENGTH) throw new QueryError(`q: at most ${Q_MAX_LENGTH} characters`, { code: 'too-long', parameter: 'q', max: Q_MAX_LENGTH });
  return q || undefined;
}

/**
 * Opaque cursor for the next page: keyset by date, or an offset when ranked by relevance. A keyset
 * cursor may also carry how many items came before it, for the reader's position.
 */
export function encodeCursor(next: { publishedAt: Date; id: number; seen?: number } | { offset: number }): string {
  const text = 'offset' in next ? `o:${next.offset}` : `${next.publishedAt.getTime()}:${next.id}${next.seen ? `:${next.seen}` : ''}`;
  return Buffer.from(text).toString('base64url');
}

/**
 * The cursor of the page after `rows`, undefined when they do not fill a page: by position when
 * ranked by relevance, else by the last item, with how many came before it when `seen` is known.
 */
export function nextCursor(query: Pick<FeedQuery, 'limit' | 'order' | 'offset'>, rows: readonly { publishedAt: Date; id: number }[], seen?: number): string | undefined {
  const last = rows.at(-1);
  if (!last || rows.length < query.limit) return undefined;
  return query.order === 'relevance'
    ? encodeCursor({ offset: (query.offset ?? 0) + rows.length })
    : encodeCursor({ publishedAt: last.publishedAt, id: last.id, ...(seen !== undefined ? { seen: seen + rows.length } : {}) });
}

function parseCursor(params: URLSearchParams): Pick<FeedQuery, 'before' | 'offset' | 'seen'> {
  const name = params.get('before') !== null ? 'before' : 'page';
  const raw = params.get(name);
  if (!raw) return {};
  const refuse = () => new QueryError(`${name}: not a cursor returned by this API; follow the "next" link of the page before`, { code: 'bad-cursor', parameter: name });
  if (raw.length > 64 || !/^[A-Za-z0-9_-]+=*$/.test(raw)) throw refuse();
  const text = Buffer.from(raw, 'base64url').toString();
  const offset = /^o:(\d{1,6})$/.exec(text);
  if (offset) return { offset: Number(offset[1]), seen: Number(offset[1]) };
  const m = /^(-?\d{1,16}):(\d{1,16})(?::(\d{1,6}))?$/.exec(text);
  if (!m) throw refuse();
  const at = Number(m[1]);
  const id = Number(m[2]);
  if (at < FIRST_INSTANT || at > LAST_INSTANT || !Number.isSafeInteger(id) || id < 1) throw refuse();
  return { before: { publishedAt: new Date(at), id }, ...(m[3] ? { seen: Number(m[3]) } : {}) };
}

export interface ParseOptions {
  defaultLimit: number;
  maxLimit: number;
  /** The parameters this address takes (tracking parameters aside); by default the selection and paging. */
  known?: readonly string[];
  /** The language stories are listed in when neither `prefer` nor `ui` says (a reader page's own). */
  prefer?: Language;
}

/** Edit distance, for "did you mean": short names only, so the table stays tiny. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known parameter a misspelt one most likely meant: same letters in another case, or one or two edits away. */
function suggestParameter(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase().trim();
  if (known.includes(lower)) return lower;
  if (lower.length > 24) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(lower, k);
    if (d <= (k.length <= 4 ? 1 : 2) && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/**
 * Refuses a parameter the address does not take, naming it and the ones it takes. A snippet
 * pasted into a CMS's URL field often comes back with "&amp;" for "&" ("?amp;topic=housing"): said
 * so, since the widget would otherwise show every item as if unfiltered.
 */
export function checkParameters(params: URLSearchParams, known: readonly string[]): void {
  for (const name of new Set(params.keys())) {
    // What trackers add to shared addresses is no misspelling: a link that went through a
    // newsletter still works, and means the same.
    if (known.includes(name) || isTrackingParam(name)) continue;
    const unescaped = /^amp;/i.exec(name) ? name.slice(4) : undefined;
    const suggestion = unescaped !== undefined && known.includes(unescaped) ? unescaped : suggestParameter(name, known);
    const escapedAmpersand = unescaped !== undefined && suggestion === unescaped;
    const shown = quoted(name);
    const hint = escapedAmpersand
      ? `: the address has "&amp;" where "&" belongs (HTML's spelling of "&", copied into a URL); use ${quoted(unescaped!)}`
      : suggestion
        ? `; did you mean ${quoted(suggestion)}?`
        : '';
    throw new QueryError(`${shown}: not a parameter of this address${hint}; accepted: ${known.join(', ')}`, {
      code: 'unknown-parameter',
      parameter: name.length > 40 ? `${name.slice(0, 40)}…` : name,
      accepted: known,
      ...(suggestion ? { suggestion } : {}),
      ...(escapedAmpersand ? { escapedAmpersand } : {}),
    });
  }
}

export function parseFeedQuery(params: URLSearchParams, vocab: QueryVocabulary, options: ParseOptions = { defaultLimit: 20, maxLimit: 200 }): FeedQuery {
  checkParameters(params, options.known ?? [...QUERY_PARAMS, ...PAGE_PARAMS]);
  const topics = oneOf('topic', listParam(params, 'topic'), vocab.topicSlugs);
  const regions = oneOf<Region>('region', listParam(params, 'region'), REGIONS);
  const provinces = oneOf<Province>('province', listParam(params, 'province'), PROVINCES);
  const languages = oneOf<ItemLanguage>('lang', listParam(params, 'lang'), ['en', 'fr', 'other']);
  const types = oneOf<ItemType>('type', listParam(params, 'type'), ITEM_TYPES);
  const sources = oneOf('source', listParam(params, 'source'), vocab.sourceSlugs);
  const [ui] = oneOf<Language>('ui', listParam(params, 'ui'), ['en', 'fr']);
  const prefer = oneOf<Language>('prefer', listParam(params, 'prefer'), ['en', 'fr'])[0] ?? ui ?? options.prefer;
  const q = parseSearch(params);
  const crossSearch = q && vocab.searchTerms ? expandSearch(q, vocab.searchTerms, prefer) : undefined;
  const sort = oneOf('sort', listParam(params, 'sort'), ['date', 'relevance'] as const)[0];
  return {
    topics: topics.length ? topics : undefined,
    regions: regions.length ? regions : undefined,
    provinces: provinces.length ? provinces : undefined,
    languages: languages.length ? languages : undefined,
    types: types.length ? types : undefined,
    sources: sources.length ? sources : undefined,
    q,
    ...(crossSearch ? { crossSearch } : {}),
    ...(prefer ? { prefer } : {}),
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
