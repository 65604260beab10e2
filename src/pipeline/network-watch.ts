// The fetch log's view of the network. A source that fails before any server answers is held back
// for a moment: if the other sites fail the same way (network-verdict.ts), the log says "no
// network?" once instead of blaming each source; if a site answers, or the moment passes, the held
// lines are written as they were. Once a site answers again, the log says the network is back.
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
  const holdMs = options.holdMs ?? 5_000;
  let sightings: Sighting[] = [];
  let held: FailedFetch[] = [];
  let timer: NodeJS.Timeout | undefined;
  let offline = false;

  const see = (sighting: Sighting) => {
    const since = sighting.at.getTime() - OFFLINE_WINDOW_MS;
    sightings = [...sightings.filter((s) => s.at.getTime() > since), sighting];
    return networkVerdict(sightings);
  };
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    for (const f of held) f.log.warn(f.fields, FAILED);
    held = [];
  };

  return {
    failed(fetch) {
      const sighting = sightingOf(fetch.host, fetch.at, fetch.code);
      const verdict = sighting ? see(sighting) : undefined;
      if (verdict === 'online') {
        if (offline) logger.info({ host: fetch.host }, 'network back: a site answered');
        offline = false;
        flush();
      }
      if (!sighting || verdict === 'online') {
        fetch.log.warn(fetch.fields, FAILED);
        return;
      }
      if (verdict === 'offline') {
        if (!offline) {
          const failing = [...held, fetch];
          const hosts = new Set(sightings.filter((s) => !s.reached).map((s) => s.host)).size;
          const codes = [...new Set(failing.map((f) => f.code))];
          logger.warn({ hosts, codes }, 'no network? every site failed before answering');
          offline = true;
          for (const f of held) f.log.debug(f.fields, FAILED);
          clearTimeout(timer);
          timer = undefined;
          held = [];
        }
        fetch.log.debug(fetch.fields, FAILED);
        return;
      }
      held.push(fetch);
      if (!timer) {
        timer = setTimeout(flush, holdMs);
        timer.unref();
      }
    },
    reached(host, at) {
      const verdict = see({ host, at, reached: true });
      if (offline && verdict === 'online') logger.info({ host }, 'network back: a site answered');
      offline = false;
      flush();
    },
    flush,
  };
}
