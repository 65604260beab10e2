// Saving a selection as a saved feed: a title and a filter under a short, stable id. The JSON API
// (POST /api/saved-feeds) and the reader's "Save this selection" form both save through one saver,
// so they share one rate per client address and one total: a plain form is no way around either.
import { DEFAULT_SAVED_FEED_SETTINGS, type SavedFeedSettings } from '../core/config.ts';
import type { Language } from '../core/types.ts';
import { FEED_LIMITS } from '../publish/feed-address.ts';
import type { FeedCache } from '../publish/feed-cache.ts';
import { canonicalFilter, parseFeedQuery, QUERY_PARAMS } from '../publish/feed-query.ts';
import { sourceSlugsOf } from '../publish/feed-renderer.ts';
import type { Db } from '../store/db.ts';
import { countSavedFeeds, getSavedFeed, saveFeed, savedFeedId, type SavedFeed } from '../store/saved-feeds.ts';
import { createFailureThrottle } from './admin-auth.ts';

/** New saved feeds a client may ask for at once, before the hourly rate applies. */
const SAVED_FEED_BURST = 10;

export const TITLE_MAX_LENGTH = 200;
// C0 controls and DEL: a title is one line of text.
const TITLE_CONTROL = /[\u0000-\u001f\u007f]/;

export type SaveOutcome =
  | { kind: 'saved'; feed: SavedFeed; urls: { rss: string; atom: string; json: string } }
  /** The hub holds as many saved feeds as it accepts. */
  | { kind: 'full' };

export interface SelectionSaver {
  /**
   * Counts the request against the client's rate (refused ones too: hammering keeps the door
   * shut) and answers how long it must wait, 0 when it may go on.
   */
  admit(client: string): number;
  /** Saves an admitted request; a query that cannot be read throws its QueryError (400). */
  save(input: { title: string; query: URLSearchParams; ui?: Language }): Promise<SaveOutcome>;
}

export interface SelectionSaverDeps {
  db: Db;
  topicSlugs: string[];
  publicUrl: string;
  /** Holds the known source slugs between ingests. */
  cache: FeedCache;
  settings?: SavedFeedSettings;
}

/** Why a title is refused, or undefined when it is one line of 1 to 200 characters (trimmed). */
export function titleProblem(title: string): string | undefined {
  const t = title.trim();
  if (!t) return 'must not be empty';
  if (t.length > TITLE_MAX_LENGTH) return `at most ${TITLE_MAX_LENGTH} characters`;
  if (TITLE_CONTROL.test(t)) return 'must not contain control characters';
  return undefined;
}

export function createSelectionSaver(deps: SelectionSaverDeps): SelectionSaver {
  const settings = deps.settings ?? DEFAULT_SAVED_FEED_SETTINGS;
  const throttle = createFailureThrottle({ maxFailures: SAVED_FEED_BURST, decaySeconds: 3600 / settings.perClientPerHour });
  return {
    admit(client) {
      const wait = throttle.retryAfter(client);
      throttle.fail(client);
      return wait;
    },
    async save(input) {
      const vocabulary = { topicSlugs: deps.topicSlugs, sourceSlugs: await sourceSlugsOf(deps.db, deps.cache) };
      const query = parseFeedQuery(input.query, vocabulary, { ...FEED_LIMITS, known: QUERY_PARAMS });
      const filter = canonicalFilter(query);
      const ui = input.ui ?? query.ui;
      const title = input.title.trim();
      // Saving the same filter under the same title twice gives the same URL.
      const id = savedFeedId(filter, title, ui);
      if (!(await getSavedFeed(deps.db, id)) && (await countSavedFeeds(deps.db)) >= settings.max) return { kind: 'full' };
      const feed = await saveFeed(deps.db, { id, title, query: filter, ui });
      const base = `${deps.publicUrl}/f/${feed.id}`;
      return { kind: 'saved', feed, urls: { rss: `${base}.rss`, atom: `${base}.atom`, json: `${base}.json` } };
    },
  };
}
