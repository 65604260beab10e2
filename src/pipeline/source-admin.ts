// What an operator does to a registered source (remove, pause, resume, refresh now), shared by the
// admin API and the command line, with the rules in one place: a source declared in feeds.yaml can
// be paused, resumed and refreshed but is edited and removed in the file. Every change is written
// to the admin log and to the process log with the action, the source and the token's name. Each
// refusal carries a code (extra.code) that the admin pages word in their own language.
import { ConflictError, NotFoundError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { recordAdminAction } from '../store/api-tokens.ts';
import type { Db } from '../store/db.ts';
import type { SourceRow } from '../store/schema.ts';
import { deleteSource, getSourceBySlug, leaseSources, setSourceStatus } from '../store/sources-repo.ts';
import { ingestSource, type PipelineDeps, type SourceOutcome } from './ingest-source.ts';

/** Who is acting: an api_tokens row, or null with a name for ADMIN_TOKEN and the command line. */
export interface Actor {
  tokenId: number | null;
  token: string;
}

export interface AdminDeps {
  db: Db;
  logger?: Logger;
}

export async function recordAdmin(deps: AdminDeps, actor: Actor, action: string, detail: Record<string, unknown>): Promise<void> {
  await recordAdminAction(deps.db, { tokenId: actor.tokenId, token: actor.token, action, detail });
  deps.logger?.info({ action, token: actor.token, ...detail }, 'admin action');
}

export function fileManagedError(row: SourceRow, verb: string): ConflictError {
  return new ConflictError(
    `source "${row.slug}" is managed by feeds.yaml: ${verb} it there (the file wins at every start); pause, resume and refresh work here`,
    { extra: { origin: 'file', code: 'file-managed' } },
  );
}

export async function requireSource(db: Db, slug: string): Promise<SourceRow> {
  const row = await getSourceBySlug(db, slug);
  if (!row) throw new NotFoundError(`no source "${slug}"`);
  return row;
}

/**
 * Deletes a source added at run time, with its items and fetch history. Permanent on purpose:
 * pausing is the way to stop fetching and keep the items.
 */
export async function removeSource(deps: AdminDeps, slug: string, actor: Actor): Promise<{ source: SourceRow; itemsDeleted: number }> {
  const row = await requireSource(deps.db, slug);
  if (row.origin === 'file') throw fileManagedError(row, 'remove');
  const { itemsDeleted } = await deleteSource(deps.db, row.id);
  await recordAdmin(deps, actor, 'source.remove', { source: slug, url: row.url, itemsDeleted });
  return { source: row, itemsDeleted };
}

export async function pauseSource(deps: AdminDeps, slug: string, actor: Actor): Promise<SourceRow> {
  await requireSource(deps.db, slug);
  const row = (await setSourceStatus(deps.db, slug, 'paused'))!;
  await recordAdmin(deps, actor, 'source.pause', { source: slug });
  return row;
}

/** Active again and due now; also how a source marked gone (410) is brought back. */
export async function resumeSource(deps: AdminDeps, slug: string, actor: Actor): Promise<SourceRow> {
  await requireSource(deps.db, slug);
  const row = (await setSourceStatus(deps.db, slug, 'active'))!;
  await recordAdmin(deps, actor, 'source.resume', { source: slug });
  return row;
}

/**
 * Fetches a source now, in this process, under a lease like any worker's, and returns the outcome.
 * A source another worker is fetching at this moment, or one that is paused or gone, is refused.
 */
export async function refreshSource(
  pipeline: PipelineDeps,
  slug: string,
  actor: Actor,
  options: { owner: string; leaseSeconds: number },
): Promise<{ source: SourceRow; outcome: SourceOutcome }> {
  const deps: AdminDeps = { db: pipeline.db, logger: pipeline.logger };
  const row = await requireSource(pipeline.db, slug);
  if (row.status !== 'active') throw new ConflictError(`source "${slug}" is ${row.status}: resume it first`, { extra: { status: row.status, code: 'not-active' } });
  const [leased] = await leaseSources(pipeline.db, { owner: options.owner, limit: 1, leaseSeconds: options.leaseSeconds, which: 'all', slugs: [slug] });
  if (!leased) throw new ConflictError(`source "${slug}" is being fetched right now; try again in a moment`, { extra: { code: 'being-fetched' } });
  const outcome = await ingestSource(pipeline, leased, options.owner);
  await recordAdmin(deps, actor, 'source.refresh', { source: slug, outcome: outcome.outcome });
  return { source: (await getSourceBySlug(pipeline.db, slug))!, outcome };
}
