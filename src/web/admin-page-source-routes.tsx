/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The admin pages' handling of page sources: the form fields that make a registration a page
// source, the step after a preview, the refusals that carry a page problem or an offer, and the
// page that changes a page source's selectors (propose, preview, save), mounted on the admin
// routes with their own session and form checks.
import type { Context } from 'hono';
import { AppError, BadRequestError, ConflictError, UnprocessableError } from '../core/errors.ts';
import type { SelectorField } from '../core/page-selectors.ts';
import type { Language, PageProblem } from '../core/types.ts';
import type { Actor } from '../pipeline/source-admin.ts';
import { requireSource } from '../pipeline/source-admin.ts';
import { fetchPage, offerFor, type PageOffer } from '../pipeline/subscribe-page.ts';
import { previewUpdate, updateSource, type SourcePreview, type SubscribeDeps } from '../pipeline/subscribe.ts';
import type { FieldProblem } from '../sources/source-input.ts';
import type { FormBody, Handler, Signed } from './admin-handler.ts';
import { PAGE_SOURCE_WORDS } from './page-source-words.ts';
import type { AddFormValues, AddProblem } from './pages/admin-add.tsx';
import type { AdminContext } from './pages/admin-frame.tsx';
import { selectorsFromForm, selectorValuesOf, SelectorsPage, type PageFormState, type SelectorValues } from './pages/admin-page-source.tsx';
import type { PageNotice } from './pages/admin-sources.tsx';

/** The registration fields a page source adds: its kind, and the selectors chosen or typed. */
export function pageRegistration(values: Pick<AddFormValues, 'kind' | 'proposal' | 'selectors'>): Record<string, unknown> {
  if (values.kind !== 'page') return {};
  const selectors = selectorsFromForm(values.proposal, values.selectors);
  return { kind: 'page', ...(selectors ? { selectors } : {}) };
}

/** After a preview: the selectors it read fill the fields (the proposals are gone), or the proposals to choose from. */
export function pageStepAfterPreview(values: AddFormValues, preview: SourcePreview): { values: AddFormValues; page: PageFormState } {
  if (!preview.selectors) return { values: { ...values, proposal: '' }, page: { proposals: preview.proposals ?? [] } };
  return { values: { ...values, proposal: '', selectors: selectorValuesOf(preview.selectors) }, page: { preview } };
}

/** A refusal about a page (its problem), or the offer of a page that announces no feed but holds lists. */
export function pageProblemOf(err: unknown): AddProblem | undefined {
  if (!(err instanceof AppError)) return undefined;
  const problem = err.extra?.problem as PageProblem | undefined;
  if (problem?.code) return { kind: 'page-problem', problem, detail: err.message };
  const offer = err.extra?.page as PageOffer | undefined;
  if (err instanceof UnprocessableError && offer?.proposals.length) return { kind: 'page-offer', proposals: offer.proposals, detail: err.message };
  return undefined;
}

/** A form field as typed, trimmed ('' when absent). */
function field(form: FormBody, name: string): string {
  const value = Array.isArray(form[name]) ? (form[name] as unknown[])[0] : form[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Form errors of selectors (the API's 400 details), by selector. */
function selectorFieldErrors(details: FieldProblem[]): Partial<Record<SelectorField, string[]>> {
  const out: Partial<Record<SelectorField, string[]>> = {};
  for (const d of details) {
    const field = (d.field.split('.')[1] ?? 'item') as SelectorField;
    out[field] = [...(out[field] ?? []), d.message];
  }
  return out;
}

export interface SelectorRouteDeps {
  guarded: (method: 'get' | 'post', path: string, handler: Handler) => void;
  render: (c: Context, node: unknown, status?: number) => Promise<Response>;
  forbidden: (c: Context, ctx: AdminContext) => Promise<Response>;
  switchHref: (c: Context, ui: Language) => string;
  sourcePage: (c: Context, ctx: AdminContext, slug: string, notice?: PageNotice, status?: number) => Promise<Response>;
  subscribeDeps: SubscribeDeps;
  at: (ui: Language, path?: string, query?: string) => string;
  actorOf: (s: Signed) => Actor;
}

/** /{ui}/admin/sources/:slug/selectors: a page source's selectors, changed with the checks and preview of a new one. */
export function mountSelectorRoutes(r: SelectorRouteDeps): void {
  const { subscribeDeps: deps } = r;
  const show = (c: Context, ctx: AdminContext, source: Parameters<typeof SelectorsPage>[0]['source'], selectors: SelectorValues, state: PageFormState, status = 200, detail?: string) =>
    r.render(c, <SelectorsPage ctx={ctx} source={source} selectors={selectors} state={state} switchHref={r.switchHref(c, ctx.ui)} detail={detail} />, status);

  /** A page source this token may change, or the page that says why not. */
  async function editable(c: Context, ctx: AdminContext) {
    if (ctx.session?.readOnly) return { refused: await r.forbidden(c, ctx) };
    const source = await requireSource(deps.db, c.req.param('slug') ?? '');
    if (source.kind !== 'page') return { refused: c.redirect(r.at(ctx.ui, `sources/${source.slug}`), 303) };
    if (source.origin === 'file') return { refused: await r.sourcePage(c, ctx, source.slug, { tone: 'bad', text: PAGE_SOURCE_WORDS[ctx.ui].fileManaged }, 409) };
    return { source };
  }

  r.guarded('get', '/sources/:slug/selectors', async (c, ctx) => {
    const { source, refused } = await editable(c, ctx);
    if (refused) return refused;
    return show(c, ctx, source, selectorValuesOf(source.selectors), {});
  });

  r.guarded('post', '/sources/:slug/selectors', async (c, ctx, session, form: FormBody) => {
    const { source, refused } = await editable(c, ctx);
    if (refused) return refused;
    const fields: SelectorValues = {
      item: field(form, 'sel-item'),
      title: field(form, 'sel-title'),
      link: field(form, 'sel-link'),
      date: field(form, 'sel-date'),
      summary: field(form, 'sel-summary'),
    };
    const selectors = selectorsFromForm(field(form, 'proposal'), fields) ?? { item: '' };
    const shown = selectorValuesOf(selectors);
    const step = field(form, 'step');
    try {
      if (step === 'propose') {
        const offer = offerFor((await fetchPage(source.url, deps)).page);
        return show(c, ctx, source, fields, { proposals: offer.proposals, ...(offer.problem ? { problem: offer.problem } : {}) });
      }
      if (step === 'save') {
        await updateSource(source.slug, { selectors }, deps, r.actorOf(session));
        return c.redirect(r.at(ctx.ui, `sources/${source.slug}`, 'done=selectors'), 303);
      }
      const preview = await previewUpdate(source.slug, { selectors }, deps);
      return show(c, ctx, source, selectorValuesOf(preview.selectors), { preview });
    } catch (err) {
      if (err instanceof BadRequestError) {
        const details = Array.isArray(err.details) ? (err.details as FieldProblem[]) : [];
        return show(c, ctx, source, shown, { fieldErrors: selectorFieldErrors(details) }, 400, err.message);
      }
      const page = pageProblemOf(err);
      if (page?.kind === 'page-problem') return show(c, ctx, source, shown, { problem: page.problem }, (err as AppError).status, page.detail);
      if (err instanceof ConflictError) return r.sourcePage(c, ctx, source.slug, { tone: 'bad', text: ctx.aw.conflictTitle, detail: err.message }, 409);
      if (err instanceof UnprocessableError) return show(c, ctx, source, shown, { message: ctx.aw.cannotFetch }, 422, err.message);
      throw err;
    }
  });
}
