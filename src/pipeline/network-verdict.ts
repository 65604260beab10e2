// Whether the hub itself seems cut off, rather than its sources broken: when the sites it tried
// lately all failed before any server answered (the name not found, the connection refused or
// unreachable), and none answered, the likeliest fault is the hub's own network. The log and the
// public pages both ask this, so a hub started offline says so once instead of blaming each
// source's address.
import type { SourceErrorCode } from '../core/types.ts';
import { hostOf } from '../normalize/urls.ts';

/** Failures met before any server answers: what a machine without a network meets for every site. */
const UNREACHED: ReadonlySet<SourceErrorCode> = new Set<SourceErrorCode>(['dns', 'connect']);
/** Failures that say nothing about the network either way. */
const NEUTRAL: ReadonlySet<SourceErrorCode> = new Set<SourceErrorCode>(['blocked', 'bad-url', 'aborted', 'retired', 'timeout']);

/** Sites that must have failed unreached, with none reached, before the hub is called offline: one site alone may just be down. */
export const OFFLINE_MIN_HOSTS = 2;
/** How far back sightings count, from the newest one. */
export const OFFLINE_WINDOW_MS = 15 * 60_000;

export type NetworkVerdict = 'offline' | 'online' | 'unknown';

/** What one fetch said about the network: a host reached (any answer), or not reached at all. */
export interface Sighting {
  host: string;
  at: Date;
  reached: boolean;
}

export function isUnreached(code: SourceErrorCode | null | undefined): boolean {
  return code != null && UNREACHED.has(code);
}

/** The sighting a fetch makes: none for a failure that says nothing about the network. */
export function sightingOf(host: string, at: Date, errorCode?: SourceErrorCode | null): Sighting | undefined {
  if (errorCode && NEUTRAL.has(errorCode)) return undefined;
  return { host, at, reached: !isUnreached(errorCode) };
}

/** The sighting a source's row makes from its last fetch, if it was fetched and is active. */
export function sightingOfSource(s: { url: string; status: string; lastFetchAt: Date | null; errorCount: number; lastErrorCode: SourceErrorCode | null }): Sighting | undefined {
  if (s.status !== 'active' || !s.lastFetchAt) return undefined;
  return sightingOf(hostOf(s.url), s.lastFetchAt, s.errorCount > 0 ? s.lastErrorCode : null);
}

/**
 * Offline when, over the window before the newest sighting, no host was reached and at least
 * OFFLINE_MIN_HOSTS hosts were not; online when a host was reached; unknown otherwise.
 */
export function networkVerdict(sightings: readonly Sighting[], windowMs = OFFLINE_WINDOW_MS): NetworkVerdict {
  if (!sightings.length) return 'unknown';
  const newest = Math.max(...sightings.map((s) => s.at.getTime()));
  const recent = sightings.filter((s) => s.at.getTime() > newest - windowMs);
  if (recent.some((s) => s.reached)) return 'online';
  return new Set(recent.map((s) => s.host)).size >= OFFLINE_MIN_HOSTS ? 'offline' : 'unknown';
}
