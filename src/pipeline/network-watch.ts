// The fetch log's view of the network. A source that fails before any server answers is held back
// for a moment, with the others that fail so meanwhile: then, if no site answered and several
// failed (network-verdict.ts), the log says "no network?" once instead of blaming each source, and
// keeps quiet about the next tries; otherwise the held lines are written as they were. Once a
// site answers again, the log says the network is back.
import type { Logger } from '../core/logger.ts';
import type { SourceErrorCode } from '../core/types.ts';
import { networkVerdict, OFFLINE_WINDOW_MS, sightingOf, type Sighting } from './network-verdict.ts';

export interface FailedFetch {
  /** The source's logger, and the fields of its "fetch failed" line. */
  log: Logger;
  fields: Record<string, unknown>;
  host: string;
  at: Date;
  code: SourceErrorCode;
}

export interface NetworkWatch {
  /** A fetch failed: its line is written now, held, or (while the hub is offline) kept to debug. */
  failed(fetch: FailedFetch): void;
  /** A site answered. */
  reached(host: string, at: Date): void;
  /** Writes the held lines now (end of a one-off run, stopping). */
  flush(): void;
}

export interface NetworkWatchOptions {
  /** How long a failure before any answer waits for the others to say whether the network is down. */
  holdMs?: number;
}

const FAILED = 'fetch failed';

export function createNetworkWatch(logger: Logger, options: NetworkWatchOptions = {}): NetworkWatch {
  const holdMs = options.holdMs ?? 15_000;
  let sightings: Sighting[] = [];
  let held: FailedFetch[] = [];
  let timer: NodeJS.Timeout | undefined;
  let offline = false;

  const see = (sighting: Sighting) => {
    const since = sighting.at.getTime() - OFFLINE_WINDOW_MS;
    sightings = [...sightings.filter((s) => s.at.getTime() > since), sighting];
    return networkVerdict(sightings);
  };
  /** The held lines: one "no network?" for them all if no site answered, else each as it was. */
  const settle = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!held.length) return;
    if (networkVerdict(sightings) === 'offline') {
      const sites = new Set(held.map((f) => f.host)).size;
      const codes = [...new Set(held.map((f) => f.code))];
      logger.warn({ sites, codes }, 'no network? every site failed before answering');
      offline = true;
      for (const f of held) f.log.debug(f.fields, FAILED);
    } else {
      for (const f of held) f.log.warn(f.fields, FAILED);
    }
    held = [];
  };
  const answered = (host: string) => {
    if (offline) logger.info({ host }, 'network back: a site answered');
    offline = false;
    settle();
  };

  return {
    failed(fetch) {
      const sighting = sightingOf(fetch.host, fetch.at, fetch.code);
      const verdict = sighting ? see(sighting) : undefined;
      if (verdict === 'online') answered(fetch.host);
      if (!sighting || verdict === 'online') {
        fetch.log.warn(fetch.fields, FAILED);
        return;
      }
      // Already said: the hub is offline, and this site is one more that cannot be reached.
      if (offline) {
        fetch.log.debug(fetch.fields, FAILED);
        return;
      }
      held.push(fetch);
      if (!timer) {
        timer = setTimeout(settle, holdMs);
        timer.unref();
      }
    },
    reached(host, at) {
      see({ host, at, reached: true });
      answered(host);
    },
    flush: settle,
  };
}
