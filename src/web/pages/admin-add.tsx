/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The form that registers a source by feed URL or site URL. With no script, discovery is a round
// trip: when the address offers several feeds the form comes back filled in, with the feeds as
// radio buttons, and is sent again with the one chosen. Every refusal comes back the same way,
// with what went wrong in the page's language and the hub's own message beneath. A page that
// publishes no feed comes back with the page part (admin-page-source.tsx): its blocks, the
// selector fields and, once asked for, the preview of the items.
import { compareText } from '../../core/locale.ts';
import type { SelectorField } from '../../core/page-selectors.ts';
import { LANGUAGES, PROVINCE_REGION, PROVINCES, REGIONS, type Language, type PageProblem } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS } from '../../core/words.ts';
import type { SelectorProposal } from '../../parse/page/index.ts';
import type { FeedCandidate } from '../../pipeline/subscribe.ts';
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
  | { kind: 'fields'; fields: { field: string; message: string }[] }
  | { kind: 'candidates'; candidates: FeedCandidate[] }
  | { kind: 'duplicate'; existing: { slug: string; title: string }; detail: string }
  | { kind: 'slug-taken'; existing: { slug: string; title: string }; detail: string }
  | { kind: 'page-problem'; problem: PageProblem; detail: string }
  | { kind: 'page-offer'; proposals: SelectorProposal[]; detail: string }
  | { kind: 'blocked' | 'no-feed' | 'no-feed-offered' | 'cannot-fetch' | 'chosen-unusable' | 'other'; detail: string };

type FieldName = 'url' | 'organization' | 'region' | 'province' | 'languages' | 'topics' | 'title' | 'slug' | 'feedUrl' | 'selectors';
const FIELDS: FieldName[] = ['url', 'organization', 'region', 'province', 'languages', 'topics', 'title', 'slug', 'feedUrl', 'selectors'];

/** "topics.1" → "topics"; fields we do not show (siteUrl …) are reported against the address. */
function fieldOf(path: string): FieldName {
  const head = path.split('.')[0] as FieldName;
  return FIELDS.includes(head) ? head : 'url';
}

function labelOf(ctx: AdminContext, field: FieldName): string {
  const { aw } = ctx;
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
    selectors: PAGE_SOURCE_WORDS[ctx.ui].selectorsLegend,
  };
  return labels[field];
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

function ErrorSummary(props: { ctx: AdminContext; problem: AddProblem; fieldErrors: Map<FieldName, string[]> }) {
  const { ctx, problem } = props;
  const { aw, w, ui } = ctx;
  const lang = ui === 'en' ? undefined : 'en';
  if (problem.kind === 'candidates' || problem.kind === 'page-offer') return null;
  const detail = 'detail' in problem ? problem.detail : undefined;
  return (
    <div class="notice bad" role="alert" aria-labelledby="problem-h">
      <h2 id="problem-h">{aw.problemHeading}</h2>
      {problem.kind === 'fields' ? (
        <ul>
          {[...props.fieldErrors].map(([field, messages]) => (
            <li>
              <a href={`#f-${field}`}>{labelOf(ctx, field)}</a>
              {w.colon} <span lang={lang}>{messages.join('; ')}</span>
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
function TextField(props: {
  ctx: AdminContext;
  name: 'url' | 'organization' | 'title' | 'slug';
  type?: string;
  value: string;
  required?: boolean;
  hint?: string;
  errors?: string[];
  extra?: Record<string, unknown>;
}) {
  const { ctx, name } = props;
  const { aw, ui } = ctx;
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
          {ctx.w.colon} <span lang={ui === 'en' ? undefined : 'en'}>{props.errors.join('; ')}</span>
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

function FieldError(props: { ctx: AdminContext; id: string; errors?: string[] }) {
  const { ctx } = props;
  return props.errors ? (
    <p class="field-error" id={props.id}>
      {ctx.aw.fieldProblem}
      {ctx.w.colon} <span lang={ctx.ui === 'en' ? undefined : 'en'}>{props.errors.join('; ')}</span>
    </p>
  ) : null;
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
  const { aw, ui } = ctx;
  const fieldErrors = new Map<FieldName, string[]>();
  if (problem?.kind === 'fields') {
    for (const p of problem.fields) fieldErrors.set(fieldOf(p.field), [...(fieldErrors.get(fieldOf(p.field)) ?? []), p.message]);
  }
  if (problem?.kind === 'slug-taken') fieldErrors.set('slug', [problem.detail]);
  const selectorErrors: Partial<Record<SelectorField, string[]>> = {};
  for (const p of problem?.kind === 'fields' ? problem.fields : []) {
    const [head, field] = p.field.split('.') as [string, SelectorField | undefined];
    if (head === 'selectors') selectorErrors[field ?? 'item'] = [...(selectorErrors[field ?? 'item'] ?? []), p.message];
  }
  const pageState: PageFormState | undefined =
    values.kind === 'page' ? { ...props.page, ...(problem?.kind === 'page-problem' ? { problem: problem.problem } : {}), fieldErrors: selectorErrors } : undefined;
  const compare = compareText(ui);
  const topics = [...props.topics].sort((a, b) => compare(a[1], b[1]));
  const chosenTopics = new Set(values.topics);
  const title = problem && problem.kind !== 'candidates' && problem.kind !== 'page-offer' ? aw.titleWithError(aw.addTitle) : aw.addTitle;
  const described = (id: string, hint: boolean, error: boolean) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
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
        <div class="field">
          <label for="f-region">
            {aw.fieldRegion} <span class="meta">({aw.required})</span>
          </label>
          <FieldError ctx={ctx} id="f-region-error" errors={fieldErrors.get('region')} />
          <select id="f-region" name="region" required aria-describedby={described('f-region', false, fieldErrors.has('region'))} aria-invalid={fieldErrors.has('region') ? 'true' : undefined}>
            <option value="">{aw.chooseRegion}</option>
            {REGIONS.map((r) => (
              <option value={r} selected={values.region === r}>
                {REGION_LABELS[r][ui]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-province">
            {aw.fieldProvince} <span class="meta">({aw.optional})</span>
          </label>
          <FieldError ctx={ctx} id="f-province-error" errors={fieldErrors.get('province')} />
          <select id="f-province" name="province" aria-describedby={described('f-province', false, fieldErrors.has('province'))} aria-invalid={fieldErrors.has('province') ? 'true' : undefined}>
            <option value="">{aw.noProvince}</option>
            {REGIONS.filter((r) => r !== 'national').map((r) => (
              <optgroup label={REGION_LABELS[r][ui]}>
                {PROVINCES.filter((p) => PROVINCE_REGION[p] === r).map((p) => (
                  <option value={p} selected={values.province === p}>
                    {PROVINCE_LABELS[p][ui]}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <fieldset class="field" id="f-languages" aria-describedby={described('f-languages', true, fieldErrors.has('languages'))}>
          <legend>
            {aw.fieldLanguages} <span class="meta">({aw.optional})</span>
          </legend>
          <p class="hint" id="f-languages-hint">
            {aw.languagesHint}
          </p>
          <FieldError ctx={ctx} id="f-languages-error" errors={fieldErrors.get('languages')} />
          {LANGUAGES.map((l) => (
            <p class="check">
              <input type="checkbox" id={`f-lang-${l}`} name="languages" value={l} checked={values.languages.includes(l)} />
              <label for={`f-lang-${l}`}>{LANGUAGE_LABELS[l][ui]}</label>
            </p>
          ))}
        </fieldset>
        <fieldset class="field" id="f-topics" aria-describedby={described('f-topics', true, fieldErrors.has('topics'))}>
          <legend>
            {aw.fieldTopics} <span class="meta">({aw.optional})</span>
          </legend>
          <p class="hint" id="f-topics-hint">
            {aw.topicsHint}
          </p>
          <FieldError ctx={ctx} id="f-topics-error" errors={fieldErrors.get('topics')} />
          <div class="topic-grid">
            {topics.map(([slug, label]) => (
              <p class="check">
                <input type="checkbox" id={`f-topic-${slug}`} name="topics" value={slug} checked={chosenTopics.has(slug)} />
                <label for={`f-topic-${slug}`}>{label}</label>
              </p>
            ))}
          </div>
        </fieldset>
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
