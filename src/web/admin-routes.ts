// The admin API: register, change, remove, pause, resume and refresh sources, import OPML, read
// one source's fetch history and the admin log. Every route asks for a bearer token; read-only
// tokens may only GET. GET /api/sources (the list with health) stays public, in public-api-routes.ts.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LANGUAGES, REGIONS, type Topic } from '../core/types.ts';
import { DEFAULT_OPML_LIMITS } from '../parse/index.ts';
import { importOpml } from '../pipeline/import-opml.ts';
import type { PipelineDeps } from '../pipeline/ingest-source.ts';
import { pauseSource, refreshSource, removeSource, requireSource, resumeSource, type Actor } from '../pipeline/source-admin.ts';
import { previewSource, previewUpdate, registerSource, updateSource, type SubscribeDeps } from '../pipeline/subscribe.ts';
import { describeIssues, languagesFrom } from '../sources/source-input.ts';
import { listAdminLog } from '../store/api-tokens.ts';
import type { Db } from '../store/db.ts';
import type { FetchRow, SourceRow } from '../store/schema.ts';
import { listFetches } from '../store/sources-repo.ts';
import type { Auth } from './admin-auth.ts';
import type { AppEnv } from './app-env.ts';
import { outcomeJson, sourceJsonFor } from './json-views.ts';
import { previewJson } from './preview-json.ts';

export interface AdminRoutesDeps {
  db: Db;
  topics: Topic[];
  logger: Logger;
  publicUrl: string;
  auth: Auth;
  /** Fetch settings, DNS seam and the pipeline a refresh runs. */
  pipeline: PipelineDeps;
  leaseSeconds: number;
  /** SMTP_URL is set (the email digests admin page says so when not). */
  mailEnabled?: boolean;
  /** Sends every confirmed digest now, as if due (what `digests send --now` does): the admin page's button. */
  sendDigestsNow?: () => Promise<{ sent: number; empty: number; failed: number; bounced: number; suspended: number }>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One source as the admin API shows it: the public view plus what an operator needs. */
export function adminSourceJson(s: SourceRow) {
  return {
    ...sourceJsonFor(s, 'admin'),
    aliases: s.aliases,
    feedTitle: s.feedTitle,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

function fetchJson(f: FetchRow) {
  return {
    startedAt: f.startedAt.toISOString(),
    durationMs: f.durationMs,
    outcome: f.outcome,
    httpStatus: f.httpStatus,
    error: f.error,
    errorCode: f.errorCode,
    errorParams: f.errorParams,
    itemsNew: f.itemsNew,
    itemsUpdated: f.itemsUpdated,
    bytes: f.bytes,
  };
}

const JSON_LIMIT = 64 * 1024;
const OPML_TYPES = /^(text\/x-opml|application\/xml|text\/xml|application\/opml\+xml|application\/x-opml)\b/i;

const opmlQuery = z.strictObject({
  region: z.enum(REGIONS).optional(),
  lang: z
    .string()
    .optional()
    .refine((v) => v === undefined || languagesFrom(v).length > 0, `must list ${LANGUAGES.join(' and/or ')}, comma-separated`),
  dryRun: z.enum(['true', 'false', '1', '0']).optional(),
});

const logQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });
/** `?preview=true`: read what the request would store and show it; save nothing. */
const previewQuery = z.strictObject({ preview: z.enum(['true', 'false', '1', '0']).optional() });
const wantsPreview = (c: Context) => ['true', '1'].includes(parseQuery(previewQuery, c).preview ?? '');
const PREVIEW_NOTE = 'nothing was saved: send the same request without preview=true to save it';
const historyQuery = z.strictObject({ fetches: z.coerce.number().int().min(0).max(500).default(20) });

function parseQuery<T extends z.ZodType>(schema: T, c: Context): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(c.req.url).searchParams));
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues);
    throw new BadRequestError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  }
  return parsed.data;
}

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('body: must be a JSON object', [{ field: '(body)', message: 'must be a JSON object' }]);
  }
}

const limit = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: (c) => c.json({ error: new PayloadTooLargeError(`body too large (at most ${Math.round(maxSize / 1024)} KiB)`).message }, 413),
  });

export function createAdminApiRoutes(deps: AdminRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db, auth } = deps;
  const read = auth.require('read');
  const write = auth.require('write');
  const log = deps.logger.child({ component: 'admin' });
  const subscribeDeps: SubscribeDeps = { db, fetch: deps.pipeline.fetch, fetchDeps: deps.pipeline.fetchDeps, topics: deps.topics, logger: log, now: deps.pipeline.now };
  const actor = (c: Context<AppEnv>): Actor => {
    const t = c.get('token')!;
    return { tokenId: t.id, token: t.name };
  };
  const location = (slug: string) => `${deps.publicUrl}/api/sources/${slug}`;

  app.post('/api/sources', write, limit(JSON_LIMIT), async (c) => {
    if (wantsPreview(c)) return c.json({ preview: previewJson(await previewSource(await jsonBody(c), subscribeDeps)), note: PREVIEW_NOTE });
    const result = await registerSource(await jsonBody(c), subscribeDeps, actor(c));
    return c.json(
      {
        source: adminSourceJson(result.source),
        discoveredVia: result.via,
        warnings: result.warnings,
        note: 'registered; the scheduler fetches it on its next tick (or POST …/refresh to fetch it now)',
      },
      201,
      { Location: location(result.source.slug) },
    );
  });

  app.get('/api/sources/:slug', read, async (c) => {
    const q = parseQuery(historyQuery, c);
    const row = await requireSource(db, c.req.param('slug'));
    return c.json({ source: adminSourceJson(row), fetches: (await listFetches(db, row.id, q.fetches)).map(fetchJson) });
  });

  app.patch('/api/sources/:slug', write, limit(JSON_LIMIT), async (c) => {
    if (wantsPreview(c)) return c.json({ preview: previewJson(await previewUpdate(c.req.param('slug'), await jsonBody(c), subscribeDeps)), note: PREVIEW_NOTE });
    const row = await updateSource(c.req.param('slug'), await jsonBody(c), subscribeDeps, actor(c));
    return c.json({ source: adminSourceJson(row) });
  });

  app.delete('/api/sources/:slug', write, async (c) => {
    const { source, itemsDeleted } = await removeSource(subscribeDeps, c.req.param('slug'), actor(c));
    return c.json({
      deleted: source.slug,
      itemsDeleted,
      note: 'the source, its items and its fetch history are deleted for good (pause keeps the items)',
    });
  });

  app.post('/api/sources/:slug/pause', write, async (c) => c.json({ source: adminSourceJson(await pauseSource(subscribeDeps, c.req.param('slug'), actor(c))) }));
  app.post('/api/sources/:slug/resume', write, async (c) => c.json({ source: adminSourceJson(await resumeSource(subscribeDeps, c.req.param('slug'), actor(c))) }));

  app.post('/api/sources/:slug/refresh', write, async (c) => {
    const { source, outcome } = await refreshSource(deps.pipeline, c.req.param('slug'), actor(c), {
      owner: `admin:${c.get('requestId')}`,
      leaseSeconds: deps.leaseSeconds,
    });
    return c.json({ source: adminSourceJson(source), outcome: outcomeJson(outcome) });
  });

  app.post('/api/opml', write, limit(DEFAULT_OPML_LIMITS.maxBytes + 4096), async (c) => {
    const type = c.req.header('content-type') ?? '';
    if (!OPML_TYPES.test(type)) throw new UnsupportedMediaTypeError('send the OPML document as the body, with Content-Type text/x-opml or application/xml');
    const q = parseQuery(opmlQuery, c);
    const report = await importOpml(
      await c.req.text(),
      { region: q.region, languages: q.lang ? languagesFrom(q.lang) : undefined, dryRun: q.dryRun === 'true' || q.dryRun === '1' },
      { db, fetch: deps.pipeline.fetch, fetchDeps: deps.pipeline.fetchDeps, topics: deps.topics, logger: log },
      actor(c),
    );
    return c.json(report, report.dryRun ? 200 : 201);
  });

  app.get('/api/admin/log', read, async (c) => {
    const q = parseQuery(logQuery, c);
    const rows = await listAdminLog(db, q.limit);
    return c.json({
      entries: rows.map((r) => ({ at: r.at.toISOString(), action: r.action, token: (r.detail as { token?: string } | null)?.token ?? null, detail: r.detail })),
    });
  });

  return app;
}
