/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The admin pages' parts for page sources (a web page read with CSS selectors), with no script:
// the blocks a page holds offered as radio buttons, the selector fields, the preview of the items
// the selectors read (a round trip that saves nothing), how a source's page is read, and the page
// that changes its selectors with the same checks and preview.
import type { Child } from 'hono/jsx';
import { formatDate } from '../../core/locale.ts';
import { SELECTOR_FIELDS, type SelectorField } from '../../core/page-selectors.ts';
import type { PageProblem, PageSelectors } from '../../core/types.ts';
import type { SelectorProposal } from '../../parse/page/index.ts';
import type { SourcePreview } from '../../pipeline/subscribe.ts';
import { errorWords } from '../error-words.ts';
import { PAGE_SOURCE_WORDS } from '../page-source-words.ts';
import type { SourceView } from '../source-views.ts';
import { ActionForm, AdminLayout, adminHref, Notice, type AdminContext } from './admin-frame.tsx';

/** The selector fields of a form, as typed (empty strings for the ones left out). */
export type SelectorValues = Record<SelectorField, string>;
export const EMPTY_SELECTORS: SelectorValues = { item: '', title: '', link: '', date: '', summary: '' };

/** What the page part of a form shows: the blocks proposed, the preview, or why the selectors were refused. */
export interface PageFormState {
  proposals?: SelectorProposal[];
  preview?: SourcePreview;
  problem?: PageProblem;
  /** Form errors of the selectors (not CSS, too long …), by field. */
  fieldErrors?: Partial<Record<SelectorField, string[]>>;
  /** Something else went wrong (the page could not be fetched), in the page's language. */
  message?: string;
}

export const selectorValuesOf = (selectors: PageSelectors | null | undefined): SelectorValues => ({ ...EMPTY_SELECTORS, ...(selectors ?? {}) });

/** The selectors a form sent: the block chosen among the proposals, else the fields. */
export function selectorsFromForm(proposal: string | undefined, fields: SelectorValues): PageSelectors | undefined {
  if (proposal && proposal !== 'own') {
    try {
      const chosen = JSON.parse(proposal) as unknown;
      if (chosen && typeof chosen === 'object' && !Array.isArray(chosen)) return chosen as PageSelectors;
    } catch {
      /* not one of ours: the fields decide */
    }
  }
  const typed = Object.fromEntries(SELECTOR_FIELDS.map((f) => [f, fields[f].trim()]).filter(([, v]) => v !== ''));
  return Object.keys(typed).length ? ({ item: '', ...typed } as PageSelectors) : undefined;
}

function Proposals(props: { ctx: AdminContext; proposals: SelectorProposal[] }) {
  const { ctx } = props;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  return (
    <fieldset class="candidates" id="f-proposal">
      <legend>{pw.proposalsLegend}</legend>
      {props.proposals.map((p, i) => (
        <div class="check">
          <input type="radio" id={`proposal-${i}`} name="proposal" value={JSON.stringify(p.selectors)} checked={i === 0} />
          <label for={`proposal-${i}`}>
            <code>{p.selectors.item}</code> — {pw.proposalSummary(p.itemCount, p.withDate)}
            <br />
            <span class="meta">{pw.proposalFirst}</span>
            <ul class="plain meta">
              {p.preview.map((item) => (
                <li>
                  {item.title ?? item.link}
                  {item.date ? ` (${item.date})` : ''}
                </li>
              ))}
            </ul>
          </label>
        </div>
      ))}
      <p class="check">
        <input type="radio" id="proposal-own" name="proposal" value="own" />
        <label for="proposal-own">{pw.ownSelectors}</label>
      </p>
    </fieldset>
  );
}

/** The five selector fields, each with its label, hint and error. */
export function SelectorFields(props: { ctx: AdminContext; values: SelectorValues; state: PageFormState }) {
  const { ctx, values, state } = props;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  const errors = (field: SelectorField): string[] => [
    ...(state.fieldErrors?.[field] ?? []),
    ...(state.problem && (state.problem.params.field ?? 'item') === field && state.problem.code.startsWith('selector') ? [errorWords(state.problem.code, state.problem.params, ctx.ui)] : []),
  ];
  return (
    <fieldset class="field selectors" id="f-selectors" aria-describedby="f-selectors-hint">
      <legend>{pw.selectorsLegend}</legend>
      <p class="hint" id="f-selectors-hint">
        {pw.selectorsHint}
      </p>
      {SELECTOR_FIELDS.map((field) => {
        const id = `f-sel-${field}`;
        const fieldErrors = errors(field);
        return (
          <div class="field">
            <label for={id}>
              {pw.selectorLabel[field]} <span class="meta">({field === 'item' ? ctx.aw.required : ctx.aw.optional})</span>
            </label>
            <p class="hint" id={`${id}-hint`}>
              {pw.selectorHint[field]}
            </p>
            {fieldErrors.length ? (
              <p class="field-error" id={`${id}-error`}>
                {fieldErrors.join(' ')}
              </p>
            ) : null}
            <input
              type="text"
              id={id}
              name={`sel-${field}`}
              value={values[field]}
              spellcheck={false}
              autocapitalize="none"
              maxlength={500}
              aria-describedby={[`${id}-hint`, fieldErrors.length ? `${id}-error` : ''].filter(Boolean).join(' ')}
              aria-invalid={fieldErrors.length ? 'true' : undefined}
            />
          </div>
        );
      })}
    </fieldset>
  );
}

/** The items the selectors read, as they would be stored. */
export function PreviewList(props: { ctx: AdminContext; preview: SourcePreview }) {
  const { ctx, preview } = props;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  return (
    <section class="page-preview" aria-labelledby="preview-h">
      <h2 id="preview-h">{pw.previewHeading}</h2>
      <p>{pw.previewCount(preview.itemCount, preview.items.length)}</p>
      <ol class="preview-items">
        {preview.items.map((item) => (
          <li lang={item.language !== ctx.ui && item.language !== 'other' ? item.language : undefined}>
            {item.url ? <a href={item.url}>{item.title}</a> : <strong>{item.title}</strong>}
            <br />
            <span class="meta">{item.dateFromFeed ? <time datetime={item.published}>{formatDate(new Date(item.published), ctx.ui)}</time> : pw.previewNoDate}</span>
            {item.summary ? <p>{item.summary}</p> : null}
          </li>
        ))}
      </ol>
      {preview.feedLinks?.length ? (
        <p>
          {pw.announcedFeed}{' '}
          {preview.feedLinks.map((url) => (
            <a href={url} class="url">
              {url}
            </a>
          ))}
        </p>
      ) : null}
      <p>{pw.previewNext}</p>
    </section>
  );
}

/** The selector fields, the preview once there is one, and the buttons: save what the preview showed, or preview (again). */
function SelectorSteps(props: { ctx: AdminContext; selectors: SelectorValues; state: PageFormState; saveLabel: string; children?: Child }) {
  const { ctx, state } = props;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  return (
    <>
      <SelectorFields ctx={ctx} values={props.selectors} state={state} />
      {state.preview ? <PreviewList ctx={ctx} preview={state.preview} /> : null}
      <p class="buttons">
        {state.preview ? (
          <button type="submit" name="step" value="save">
            {props.saveLabel}
          </button>
        ) : null}
        <button type="submit" name="step" value="preview" class={state.preview ? 'secondary' : undefined}>
          {state.preview ? pw.previewAgain : pw.previewButton}
        </button>
        {props.children}
      </p>
    </>
  );
}

/**
 * The page part of the "Add a source" form: the page is now the source, its blocks (if just
 * offered) to choose from, the selector fields, the preview once there is one, and the buttons.
 */
export function PageSourceFields(props: { ctx: AdminContext; selectors: SelectorValues; state: PageFormState }) {
  const { ctx, state } = props;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  return (
    <>
      <input type="hidden" name="kind" value="page" />
      {state.proposals?.length ? (
        <>
          <h2>{pw.offerHeading}</h2>
          <p>{pw.offerIntro}</p>
          <Proposals ctx={ctx} proposals={state.proposals} />
        </>
      ) : null}
      <SelectorSteps ctx={ctx} selectors={props.selectors} state={state} saveLabel={pw.saveButton}>
        <a href={adminHref(ctx, 'add')}>{pw.startOver}</a>
      </SelectorSteps>
    </>
  );
}

/** On a page source's own page: its kind, its selectors, how many items the last read found, and a way to change them. */
export function PageReadingSection(props: { ctx: AdminContext; source: SourceView }) {
  const { ctx, source: s } = props;
  if (s.kind !== 'page') return null;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  const selectors = selectorValuesOf(s.selectors);
  return (
    <section aria-labelledby="reading-h">
      <h2 id="reading-h">{pw.readingHeading}</h2>
      <dl class="facts">
        <dt>{pw.kindLabel}</dt>
        <dd>{pw.kindPage}</dd>
        {SELECTOR_FIELDS.map((field) => (
          <>
            <dt>{pw.selectorLabel[field]}</dt>
            <dd>{selectors[field] ? <code>{selectors[field]}</code> : ctx.aw.none}</dd>
          </>
        ))}
        <dt>{pw.itemsLastRead}</dt>
        <dd>{s.lastItemsFound ?? pw.noneFound}</dd>
      </dl>
      {s.origin === 'file' ? (
        <p class="meta">{pw.fileManaged}</p>
      ) : ctx.session?.readOnly ? null : (
        <p>
          <a class="button secondary" href={adminHref(ctx, `sources/${s.slug}/selectors`)}>
            {pw.editSelectors}
          </a>
        </p>
      )}
    </section>
  );
}

/** The page that changes a page source's selectors: propose, preview, save. */
export function SelectorsPage(props: { ctx: AdminContext; source: SourceView; selectors: SelectorValues; state: PageFormState; switchHref: string; detail?: string }) {
  const { ctx, source: s, state } = props;
  const pw = PAGE_SOURCE_WORDS[ctx.ui];
  const title = pw.editTitle(s.title);
  const fieldLines = SELECTOR_FIELDS.flatMap((f) => (state.fieldErrors?.[f]?.length ? [`${pw.selectorLabel[f]}${ctx.w.colon} ${state.fieldErrors[f]!.join(' ')}`] : []));
  const lines = [...(state.problem ? [errorWords(state.problem.code, state.problem.params, ctx.ui)] : []), ...fieldLines, ...(state.message ? [state.message] : [])];
  const aboutSelectors = fieldLines.length > 0 || (state.problem !== undefined && /^(selector|items-without)/.test(state.problem.code));
  return (
    <AdminLayout ctx={ctx} title={lines.length ? ctx.aw.titleWithError(title) : title} switchHref={props.switchHref}>
      <p>
        <a href={adminHref(ctx, `sources/${s.slug}`)}>← {s.title}</a>
      </p>
      <h1>{title}</h1>
      <p class="lede">{pw.editIntro}</p>
      {lines.length ? (
        <Notice tone="bad">
          {aboutSelectors ? <h2>{pw.problemHeading}</h2> : null}
          {lines.map((line) => (
            <p>{line}</p>
          ))}
          {props.detail ? (
            <p class="meta">
              {ctx.aw.technicalDetail}
              {ctx.w.colon} <span lang={ctx.ui === 'en' ? undefined : 'en'}>{props.detail}</span>
            </p>
          ) : null}
        </Notice>
      ) : null}
      <ActionForm ctx={ctx} action={adminHref(ctx, `sources/${s.slug}/selectors`)} class="admin-form">
        {state.proposals?.length ? <Proposals ctx={ctx} proposals={state.proposals} /> : null}
        <SelectorSteps ctx={ctx} selectors={props.selectors} state={state} saveLabel={pw.saveSelectors}>
          <button type="submit" name="step" value="propose" class="secondary">
            {pw.proposeButton}
          </button>
        </SelectorSteps>
      </ActionForm>
    </AdminLayout>
  );
}
