/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The form that edits a source added at run time: its title, organization, feed address,
// website, region and province, languages, default topics and fetch interval, with the API's
// checks (pipeline/subscribe.ts, updateSource) and every refusal worded in the page's language. A
// source from feeds.yaml is changed in the file: the page says where, and offers no form.
import type { SourceView } from '../source-views.ts';
import { ADMIN_FORM_WORDS, type ProblemText } from '../admin-form-words.ts';
import { ErrorSummary, errorsByField, LanguagesField, PlaceFields, TextField, TopicsField, type AddProblem, type FieldName } from './admin-add.tsx';
import { ActionForm, AdminLayout, adminHref, type AdminContext } from './admin-frame.tsx';

export interface EditFormValues {
  title: string;
  organization: string;
  url: string;
  siteUrl: string;
  region: string;
  province: string;
  languages: string[];
  topics: string[];
  intervalMinutes: string;
}

/** The form filled in with what the source says now. */
/** What the edit page shows of a source. */
export type EditedSource = Pick<SourceView, 'slug' | 'title' | 'organization' | 'url' | 'siteUrl' | 'region' | 'province' | 'languages' | 'topics' | 'intervalOverrideMinutes' | 'origin'>;

export function editValuesOf(s: EditedSource): EditFormValues {
  return {
    title: s.title,
    organization: s.organization,
    url: s.url,
    siteUrl: s.siteUrl ?? '',
    region: s.region,
    province: s.province ?? '',
    languages: s.languages,
    topics: s.topics,
    intervalMinutes: s.intervalOverrideMinutes ? String(s.intervalOverrideMinutes) : '',
  };
}

const SHOWN: FieldName[] = ['title', 'organization', 'url', 'siteUrl', 'region', 'province', 'languages', 'topics', 'intervalMinutes'];

export function EditSourcePage(props: { ctx: AdminContext; source: EditedSource; values: EditFormValues; topics: [string, string][]; switchHref: string; problem?: AddProblem }) {
  const { ctx, source: s, values, problem } = props;
  const { aw, ui } = ctx;
  const fw = ADMIN_FORM_WORDS[ui];
  const title = fw.editTitle(s.title);
  // A new address that is not a feed is the address's problem, as on the add form.
  const fieldErrors = problem?.kind === 'fields' ? errorsByField(ctx, problem.fields, SHOWN, 'title') : new Map<FieldName, ProblemText[]>();
  return (
    <AdminLayout ctx={ctx} title={problem ? aw.titleWithError(title) : title} switchHref={props.switchHref}>
      <p>
        <a href={adminHref(ctx, `sources/${s.slug}`)}>← {aw.cancel}</a>
      </p>
      <h1>{title}</h1>
      {s.origin === 'file' ? (
        <p class="notice">{fw.fileManagedEdit(s.slug)}</p>
      ) : (
        <>
          <p class="lede">{fw.editIntro}</p>
          {problem ? <ErrorSummary ctx={ctx} problem={problem} fieldErrors={fieldErrors} heading={fw.editProblemHeading} /> : null}
          <ActionForm ctx={ctx} action={adminHref(ctx, `sources/${s.slug}/edit`)} class="admin-form">
            <TextField ctx={ctx} name="title" value={values.title} required errors={fieldErrors.get('title')} extra={{ maxlength: 200 }} />
            <TextField ctx={ctx} name="organization" value={values.organization} required hint={aw.organizationHint} errors={fieldErrors.get('organization')} extra={{ autocomplete: 'organization', maxlength: 200 }} />
            <TextField ctx={ctx} name="url" type="url" value={values.url} required hint={fw.feedUrlHint} errors={fieldErrors.get('url')} extra={{ spellcheck: false }} />
            <TextField ctx={ctx} name="siteUrl" type="url" value={values.siteUrl} hint={fw.siteUrlHint} errors={fieldErrors.get('siteUrl')} extra={{ spellcheck: false }} />
            <PlaceFields ctx={ctx} region={values.region} province={values.province} errors={fieldErrors} />
            <LanguagesField ctx={ctx} chosen={values.languages} errors={fieldErrors} hint={fw.languagesEditHint} required />
            <TopicsField ctx={ctx} topics={props.topics} chosen={values.topics} errors={fieldErrors} />
            <TextField
              ctx={ctx}
              name="intervalMinutes"
              type="number"
              value={values.intervalMinutes}
              hint={fw.intervalHint}
              errors={fieldErrors.get('intervalMinutes')}
              extra={{ min: 1, max: 10080, step: 1, inputmode: 'numeric' }}
            />
            <p class="buttons">
              <button type="submit">{fw.editButton}</button>
              <a href={adminHref(ctx, `sources/${s.slug}`)}>{aw.cancel}</a>
            </p>
          </ActionForm>
        </>
      )}
    </AdminLayout>
  );
}
