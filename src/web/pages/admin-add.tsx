/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The form that registers a source by feed URL or site URL, and the fields it shares with the form
// that edits one (admin-edit.tsx). With no script, discovery is a round trip: when the address
// offers several feeds the form comes back filled in, with the feeds as radio buttons, and is sent
// again with the one chosen. Every refusal comes back the same way, with what went wrong in the
// page's language (from the checks' codes) and, for a fetch, the hub's own message beneath. A page
// that publishes no feed comes back with the page part (admin-page-source.tsx): its blocks, the
// selector fields and, once asked for, the preview of the items.
import { compareText } from '../../core/locale.ts';
import type { SelectorField } from '../../core/page-selectors.ts';
import { LANGUAGES, PROVINCE_REGION, PROVINCES, REGIONS, type PageProblem } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS } from '../../core/words.ts';
import type { SelectorProposal } from '../../parse/page/index.ts';
import type { FeedCandidate } from '../../pipeline/subscribe.ts';
import type { FieldProblem } from '../../sources/source-input.ts';
import { ADMIN_FORM_WORDS, fieldProblemText, type ProblemText } from '../admin-form-words.ts';
import { errorWords } from '../error-words.ts';
import { PAGE_SOURCE_WORDS } from '../page-source-words.ts';
import { ActionForm, AdminLayout, adminHref, type AdminContext } from './admin-frame.tsx';
import { EMPTY_SELECTORS, PageSourceFields, type PageFormState, type SelectorValues } from './admin-page-source.tsx';

export interface AddFormValues {
  url: string;
  organization: string;
  region: string;
  province: string;
  languages: string[];
  topics: string[];
  title: string;
  slug: string;
  feedUrl: string;
  /** 'page' once the page itself is the source. */
  kind: string;
  /** The block chosen among those proposed (its selectors as JSON), or 'own'. */
  proposal: string;
  selectors: SelectorValues;
}

export const EMPTY_ADD_FORM: AddFormValues = {
  url: '', organization: '', region: '', province: '', languages: [], topics: [], title: '', slug: '', feedUrl: '', kind: '', proposal: '', selectors: EMPTY_SELECTORS,
};

export type AddProblem =
  | { kind: 'fields'; fields: FieldProblem[] }
  | { kind: 'candidates'; candidates: FeedCandidate[] }
  | { kind: 'duplicate'; existing: { slug: string; title: string }; detail: string }
  | { kind: 'slug-taken'; existing: { slug: string; title: string }; detail: string }
  | { kind: 'page-problem'; problem: PageProblem; detail: string }
  | { kind: 'page-offer'; proposals: SelectorProposal[]; detail: string }
  | { kind: 'blocked' | 'no-feed' | 'no-feed-offered' | 'cannot-fetch' | 'chosen-unusable' | 'other'; detail: string };

export type FieldName = 'url' | 'organization' | 'region' | 'province' | 'languages' | 'topics' | 'title' | 'slug' | 'feedUrl' | 'siteUrl' | 'intervalMinutes' | 'selectors';
const FIELDS: FieldName[] = ['url', 'organization', 'region', 'province', 'languages', 'topics', 'title', 'slug', 'feedUrl', 'siteUrl', 'intervalMinutes', 'selectors'];

/** "topics.1" → "topics"; fields a form does not show are reported against its first field. */
export function fieldOf(path: string, shown: readonly FieldName[] = FIELDS, fallback: FieldName = 'url'): FieldName {
  const head = path.split('.')[0] as FieldName;
  return shown.includes(head) ? head : fallback;
}

/** The problems of each field, in the page's language. */
export function errorsByField(ctx: AdminContext, problems: FieldProblem[], shown?: readonly FieldName[], fallback?: FieldName): Map<FieldName, ProblemText[]> {
  const errors = new Map<FieldName, ProblemText[]>();
  for (const p of problems) {
    const field = fieldOf(p.field, shown, fallback);
    errors.set(field, [...(errors.get(field) ?? []), fieldProblemText(p, ctx.ui)]);
  }
  return errors;
}

export function labelOf(ctx: AdminContext, field: FieldName): string {
  const { aw } = ctx;
  const fw = ADMIN_FORM_WORDS[ctx.ui];
  const labels: Record<FieldName, string> = {
    url: aw.urlLabel,
    organization: aw.fieldOrganization,
    region: aw.fieldRegion,
    province: aw.fieldProvince,
    languages: aw.fieldLanguages,
    topics: aw.fieldTopics,
    title: aw.fieldTitle,
    slug: aw.fieldSlug,
    feedUrl: aw.fieldFeedUrl,
    siteUrl: aw.fieldSiteUrl,
    intervalMinutes: fw.intervalLabel,
    selectors: PAGE_SOURCE_WORDS[ctx.ui].selectorsLegend,
  };
  return labels[field];
}

/** Several problems of one field, each in its own language. */
export function Problems(props: { texts: ProblemText[] }) {
  return (
    <>
      {props.texts.map((t, i) => (
        <>
          {i ? ' ' : ''}
          <span lang={t.lang}>{t.text}</span>
        </>
      ))}
    </>
  );
}

function feedKind(type: string | undefined): string | undefined {
  if (!type) return undefined;
  if (/rss/i.test(type)) return 'RSS';
  if (/atom/i.test(type)) return 'Atom';
  if (/json/i.test(type)) return 'JSON Feed';
  return undefined;
}

function problemText(ctx: AdminContext, problem: AddProblem): string | undefined {
  const { aw } = ctx;
  switch (problem.kind) {
    case 'blocked':
      return aw.blocked;
    case 'no-feed':
      return aw.noFeed;
    case 'no-feed-offered':
      return aw.noFeedOffered;
    case 'cannot-fetch':
      return aw.cannotFetch;
    case 'chosen-unusable':
      return aw.chosenUnusable;
    case 'other':
      return aw.conflictTitle;
    case 'page-problem':
      return errorWords(problem.problem.code, problem.problem.params, ctx.ui);
    default:
      return undefined;
  }
}

export function ErrorSummary(props: { ctx: AdminContext; problem: AddProblem; fieldErrors: Map<FieldName, ProblemText[]>; heading?: string }) {
  const { ctx, problem } = props;
  const { aw, w, ui } = ctx;
  const lang = ui === 'en' ? undefined : 'en';
  if (problem.kind === 'candidates' || problem.kind === 'page-offer') return null;
  const detail = 'detail' in problem ? problem.detail : undefined;
  return (
    <div class="notice bad" role="alert" aria-labelledby="problem-h">
      <h2 id="problem-h">{props.heading ?? aw.problemHeading}</h2>
      {problem.kind === 'fields' ? (
        <ul>
          {[...props.fieldErrors].map(([field, texts]) => (
            <li>
              <a href={`#f-${field}`}>{labelOf(ctx, field)}</a>
              {w.colon} <Problems texts={texts} />
            </li>
          ))}
        </ul>
      ) : problem.kind === 'duplicate' || problem.kind === 'slug-taken' ? (
        <p>
          {problem.kind === 'duplicate' ? aw.duplicate : aw.slugTaken}{' '}
          <a href={adminHref(ctx, `sources/${problem.existing.slug}`)}>{problem.existing.title}</a> (<code>{problem.existing.slug}</code>).
        </p>
      ) : (
        <p>{problemText(ctx, problem)}</p>
      )}
      {detail ? (
        <p class="meta">
          {aw.technicalDetail}
          {w.colon} <span lang={lang}>{detail}</span>
        </p>
      ) : null}
    </div>
  );
}

/** A text field with its label, its hint and its error, tied together for screen readers. */
export function TextField(props: {
  ctx: AdminContext;
  name: FieldName;
  type?: string;
  value: string;
  required?: boolean;
  hint?: string;
  errors?: ProblemText[];
  extra?: Record<string, unknown>;
}) {
  const { ctx, name } = props;
  const { aw } = ctx;
  const id = `f-${name}`;
  const described = [props.hint ? `${id}-hint` : '', props.errors ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>
        {labelOf(ctx, name)} <span class="meta">({props.required ? aw.required : aw.optional})</span>
      </label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.errors ? (
        <p class="field-error" id={`${id}-error`}>
          {aw.fieldProblem}
          {ctx.w.colon} <Problems texts={props.errors} />
        </p>
      ) : null}
      <input
        type={props.type ?? 'text'}
        id={id}
        name={name}
        value={props.value}
        required={props.required}
        aria-describedby={described}
        aria-invalid={props.errors ? 'true' : undefined}
        {...props.extra}
      />
    </div>
  );
}

export function FieldError(props: { ctx: AdminContext; id: string; errors?: ProblemText[] }) {
  const { ctx } = props;
  return props.errors ? (
    <p class="field-error" id={props.id}>
      {ctx.aw.fieldProblem}
      {ctx.w.colon} <Problems texts={props.errors} />
    </p>
  ) : null;
}

const describedBy = (id: string, hint: boolean, error: boolean) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/**
 * The region and the province. The region is needed unless a province is chosen: the province
 * sets it. `any` is the first choice of the region (none yet, or "each outline's own").
 */
export function PlaceFields(props: { ctx: AdminContext; region: string; province: string; errors: Map<FieldName, ProblemText[]>; any?: string; regionLabel?: string; hint?: string; noProvince?: boolean }) {
  const { ctx, errors } = props;
  const { aw, ui } = ctx;
  const fw = ADMIN_FORM_WORDS[ui];
  const hint = props.hint ?? fw.regionHint;
  return (
    <>
      <div class="field">
        <label for="f-region">
          {props.regionLabel ?? aw.fieldRegion} <span class="meta">({props.any ? aw.optional : aw.required})</span>
        </label>
        {hint ? (
          <p class="hint" id="f-region-hint">
            {hint}
          </p>
        ) : null}
        <FieldError ctx={ctx} id="f-region-error" errors={errors.get('region')} />
        <select id="f-region" name="region" aria-describedby={describedBy('f-region', Boolean(hint), errors.has('region'))} aria-invalid={errors.has('region') ? 'true' : undefined}>
          <option value="">{props.any ?? aw.chooseRegion}</option>
          {REGIONS.map((r) => (
            <option value={r} selected={props.region === r}>
              {REGION_LABELS[r][ui]}
            </option>
          ))}
        </select>
      </div>
      {props.noProvince ? null : (
        <div class="field">
          <label for="f-province">
            {aw.fieldProvince} <span class="meta">({aw.optional})</span>
          </label>
          <FieldError ctx={ctx} id="f-province-error" errors={errors.get('province')} />
          <select id="f-province" name="province" aria-describedby={describedBy('f-province', false, errors.has('province'))} aria-invalid={errors.has('province') ? 'true' : undefined}>
            <option value="">{aw.noProvince}</option>
            {REGIONS.filter((r) => r !== 'national').map((r) => (
              <optgroup label={REGION_LABELS[r][ui]}>
                {PROVINCES.filter((p) => PROVINCE_REGION[p] === r).map((p) => (
                  <option value={p} selected={props.province === p}>
                    {PROVINCE_LABELS[p][ui]}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
      )}
    </>
  );
}

/** The languages, as two boxes to tick. */
export function LanguagesField(props: { ctx: AdminContext; chosen: string[]; errors: Map<FieldName, ProblemText[]>; hint: string; legend?: string; required?: boolean }) {
  const { ctx, errors } = props;
  const { aw, ui } = ctx;
  return (
    <fieldset class="field" id="f-languages" aria-describedby={describedBy('f-languages', true, errors.has('languages'))}>
      <legend>
        {props.legend ?? aw.fieldLanguages} <span class="meta">({props.required ? aw.required : aw.optional})</span>
      </legend>
      <p class="hint" id="f-languages-hint">
        {props.hint}
      </p>
      <FieldError ctx={ctx} id="f-languages-error" errors={errors.get('languages')} />
      {LANGUAGES.map((l) => (
        <p class="check">
          <input type="checkbox" id={`f-lang-${l}`} name="languages" value={l} checked={props.chosen.includes(l)} />
          <label for={`f-lang-${l}`}>{LANGUAGE_LABELS[l][ui]}</label>
        </p>
      ))}
    </fieldset>
  );
}

/** The default topics, labelled in the page's language and sorted as it sorts. */
export function TopicsField(props: { ctx: AdminContext; topics: [string, string][]; chosen: string[]; errors: Map<FieldName, ProblemText[]> }) {
  const { ctx, errors } = props;
  const { aw, ui } = ctx;
  const compare = compareText(ui);
  const topics = [...props.topics].sort((a, b) => compare(a[1], b[1]));
  const chosen = new Set(props.chosen);
  return (
    <fieldset class="field" id="f-topics" aria-describedby={describedBy('f-topics', true, errors.has('topics'))}>
      <legend>
        {aw.fieldTopics} <span class="meta">({aw.optional})</span>
      </legend>
      <p class="hint" id="f-topics-hint">
        {aw.topicsHint}
      </p>
      <FieldError ctx={ctx} id="f-topics-error" errors={errors.get('topics')} />
      <div class="topic-grid">
        {topics.map(([slug, label]) => (
          <p class="check">
            <input type="checkbox" id={`f-topic-${slug}`} name="topics" value={slug} checked={chosen.has(slug)} />
            <label for={`f-topic-${slug}`}>{label}</label>
          </p>
        ))}
      </div>
    </fieldset>
  );
}

export function AddSourcePage(props: {
  ctx: AdminContext;
  values: AddFormValues;
  topics: [string, string][];
  switchHref: string;
  problem?: AddProblem;
  /** The page part, when the page itself is to be the source. */
  page?: PageFormState;
}) {
  const { ctx, values, problem } = props;
  const { aw } = ctx;
  const fieldErrors = problem?.kind === 'fields' ? errorsByField(ctx, problem.fields) : new Map<FieldName, ProblemText[]>();
  if (problem?.kind === 'slug-taken') fieldErrors.set('slug', [{ text: `${aw.slugTaken} ${problem.existing.title}` }]);
  // A selector's problem shows on its own field of the page part, in the page's language.
  const selectorErrors: Partial<Record<SelectorField, string[]>> = {};
  for (const p of problem?.kind === 'fields' ? problem.fields : []) {
    const [head, field] = p.field.split('.') as [string, SelectorField | undefined];
    if (head === 'selectors') selectorErrors[field ?? 'item'] = [...(selectorErrors[field ?? 'item'] ?? []), fieldProblemText(p, ctx.ui).text];
  }
  const pageState: PageFormState | undefined =
    values.kind === 'page' ? { ...props.page, ...(problem?.kind === 'page-problem' ? { problem: problem.problem } : {}), fieldErrors: selectorErrors } : undefined;
  const title = problem && problem.kind !== 'candidates' && problem.kind !== 'page-offer' ? aw.titleWithError(aw.addTitle) : aw.addTitle;
  return (
    <AdminLayout ctx={ctx} title={title} switchHref={props.switchHref} current="add">
      <h1>{aw.addTitle}</h1>
      <p class="lede">{aw.addIntro}</p>
      {problem ? <ErrorSummary ctx={ctx} problem={problem} fieldErrors={fieldErrors} /> : null}
      <ActionForm ctx={ctx} action={adminHref(ctx, 'add')} class="admin-form">
        {problem?.kind === 'candidates' ? (
          <fieldset class="candidates" id="f-feedUrl" aria-describedby="candidates-hint">
            <legend>{aw.candidatesLegend(problem.candidates.length)}</legend>
            <p class="hint" id="candidates-hint">
              {aw.candidatesHint}
            </p>
            {problem.candidates.map((c, i) => (
              <p class="check">
                <input type="radio" id={`candidate-${i}`} name="feedUrl" value={c.feedUrl} required checked={values.feedUrl === c.feedUrl} />
                <label for={`candidate-${i}`}>
                  <strong>{c.title || aw.candidateUntitled}</strong>
                  {feedKind(c.type) ? ` (${feedKind(c.type)})` : ''}
                  <br />
                  <span class="url meta">{c.feedUrl}</span>
                </label>
              </p>
            ))}
          </fieldset>
        ) : values.feedUrl ? (
          <input type="hidden" name="feedUrl" value={values.feedUrl} />
        ) : null}
        <TextField ctx={ctx} name="url" type="url" value={values.url} required hint={aw.urlHint} errors={fieldErrors.get('url') ?? fieldErrors.get('feedUrl')} extra={{ spellcheck: false, autocomplete: 'url' }} />
        <TextField ctx={ctx} name="organization" value={values.organization} required hint={aw.organizationHint} errors={fieldErrors.get('organization')} extra={{ autocomplete: 'organization', maxlength: 200 }} />
        <PlaceFields ctx={ctx} region={values.region} province={values.province} errors={fieldErrors} />
        <LanguagesField ctx={ctx} chosen={values.languages} errors={fieldErrors} hint={aw.languagesHint} />
        <TopicsField ctx={ctx} topics={props.topics} chosen={values.topics} errors={fieldErrors} />
        <TextField ctx={ctx} name="title" value={values.title} hint={aw.titleHint} errors={fieldErrors.get('title')} extra={{ maxlength: 200 }} />
        <TextField
          ctx={ctx}
          name="slug"
          value={values.slug}
          hint={aw.slugHint}
          errors={fieldErrors.get('slug')}
          extra={{ spellcheck: false, autocapitalize: 'none', pattern: '[a-z0-9]+(-[a-z0-9]+)*' }}
        />
        {pageState ? (
          <PageSourceFields ctx={ctx} selectors={values.selectors} state={pageState} />
        ) : (
          <p>
            <button type="submit">{aw.addButton}</button>
          </p>
        )}
      </ActionForm>
    </AdminLayout>
  );
}
