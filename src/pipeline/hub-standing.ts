// Where the hub as a whole stands, from its sources' rows: what an empty reader page says instead
// of "try fewer filters", and what the start-up line counts. A hub with items has nothing to
// explain; before that, it has no source, is waiting for a first fetch, cannot reach the network,
// or reaches sites that all fail.
import type { SourceErrorCode } from '../core/types.ts';
import { networkVerdict, sightingOfSource, type Sighting } from './network-verdict.ts';

export type StandingKind =
  /** Items to show: nothing to explain. */
  | 'has-items'
  /** No active source. */
  | 'no-sources'
  /** Sources registered, not all fetched yet, none read. */
  | 'waiting'
  /** Every site tried failed before any server answered: the hub's own network, most likely. */
  | 'offline'
  /** Every source was fetched and failed. */
  | 'failing'
  /** Sources were read, but gave no items yet. */
  | 'quiet';

export interface HubStanding {
  kind: StandingKind;
  /** Active sources. */
  sources: number;
  /** Active sources read at least once. */
  read: number;
  items: number;
  /** The next fetch due among the active sources. */
  nextFetchAt?: Date;
}

export interface StandingRow {
  url: string;
  status: string;
  lastFetchAt: Date | null;
  lastSuccessAt: Date | null;
  errorCount: number;
  lastErrorCode: SourceErrorCode | null;
  itemCount: number;
  nextFetchAt: Date;
}

export function standingOf(rows: readonly StandingRow[]): HubStanding {
  const items = rows.reduce((n, r) => n + r.itemCount, 0);
  const active = rows.filter((r) => r.status === 'active');
  const read = active.filter((r) => r.lastSuccessAt).length;
  const next = active.reduce<Date | undefined>((min, r) => (!min || r.nextFetchAt < min ? r.nextFetchAt : min), undefined);
  const standing = { sources: active.length, read, items, ...(next ? { nextFetchAt: next } : {}) };
  if (items > 0) return { kind: 'has-items', ...standing };
  if (!active.length) return { kind: 'no-sources', ...standing };
  if (isOffline(rows)) return { kind: 'offline', ...standing };
  if (read) return { kind: 'quiet', ...standing };
  if (active.every((r) => r.lastFetchAt && r.errorCount > 0)) return { kind: 'failing', ...standing };
  return { kind: 'waiting', ...standing };
}

/** Whether the sources' last fetches say the hub cannot reach the network (network-verdict.ts). */
export function isOffline(rows: readonly StandingRow[]): boolean {
  return networkVerdict(rows.map(sightingOfSource).filter((s): s is Sighting => s !== undefined)) === 'offline';
}
