// How the pages and the JSON views see a source and its fetch log: the fields they show, typed
// once. The store's rows satisfy these shapes, so no page depends on the database schema.
import type {
  FetchErrorCode, FetchOutcome, Language, PageSelectors, ProblemParams, Province, Region, SourceErrorCode, SourceKind, SourceOrigin, SourceStatus,
  Warning,
} from '../core/types.ts';

export interface SourceView {
  slug: string;
  url: string;
  title: string;
  organization: string;
  region: Region;
  province: Province | null;
  languages: Language[];
  topics: string[];
  siteUrl: string | null;
  origin: SourceOrigin;
  /** A feed, or a web page read with `selectors`. */
  kind: SourceKind;
  selectors: PageSelectors | null;
  status: SourceStatus;
  aliases: string[];
  feedTitle: string | null;
  lastFetchAt: Date | null;
  lastSuccessAt: Date | null;
  lastStatus: number | null;
  /** Why the last fetch failed, as data; worded by error-words.ts. */
  lastErrorCode: SourceErrorCode | null;
  lastErrorParams: ProblemParams | null;
  /** The same in English, with the addresses and names involved: for operators only. */
  lastError: string | null;
  lastErrorAt: Date | null;
  lastWarnings: Warning[] | null;
  errorCount: number;
  itemCount: number;
  /** Items the last new body held (a page source's selectors found). */
  lastItemsFound: number | null;
  nextFetchAt: Date;
  intervalMinutes: number | null;
  intervalOverrideMinutes: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One entry of a source's fetch log. */
export interface FetchView {
  startedAt: Date;
  durationMs: number;
  outcome: FetchOutcome;
  httpStatus: number | null;
  errorCode: FetchErrorCode | null;
  errorParams: ProblemParams | null;
  /** The error in English, for operators only. */
  error: string | null;
  itemsNew: number;
  itemsUpdated: number;
  bytes: number | null;
}
