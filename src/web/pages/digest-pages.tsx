/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The email digest's pages: the form in the Subscribe box, that form back with the reason it was
// refused, the pages behind a message's links (confirm, change, unsubscribe), and the plain
// answers (check your inbox, done, expired or wrong link). Plain HTML forms: no script. The links'
// GET pages only show a button; the change happens on POST, so mail scanners that open links
// confirm nothing and unsubscribe no one.
import { compareText } from '../../core/locale.ts';
import { ITEM_TYPES, PROVINCES, REGIONS, type Language } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS, TYPE_LABELS } from '../../core/words.ts';
import type { ItemQuery } from '../../store/items-query.ts';
import { DIGEST_PAGE_WORDS, type DigestPageWords } from '../digest-words.ts';
import { Layout, pageHref, type PageContext } from './layout.tsx';
import { CheckGroup } from './river.tsx';

export interface DigestContext extends PageContext {
  dw: DigestPageWords;
}

/** What the email form needs: where it posts, and the selection it subscribes to. */
export interface EmailFormLinks {
  action: string;
  selection: string;
}

export interface EmailFormValues {
  email: string;
  frequency: string;
  ui: string;
}

/** How often and in which language a digest comes: the same choices when subscribing and when changing. */
function FrequencyAndLanguage(props: { dw: DigestPageWords; frequency: string; ui: string }) {
  const { dw } = props;
  return (
    <>
      <fieldset class="field">
        <legend>{dw.frequency}</legend>
        <label class="check">
          <input type="radio" name="frequency" value="daily" checked={props.frequency === 'daily'} /> {dw.daily}
        </label>
        <label class="check">
          <input type="radio" name="frequency" value="weekly" checked={props.frequency !== 'daily'} /> {dw.weekly}
        </label>
      </fieldset>
      <fieldset class="field">
        <legend>{dw.language}</legend>
        <label class="check" lang="en">
          <input type="radio" name="ui" value="en" checked={props.ui !== 'fr'} /> English
        </label>
        <label class="check" lang="fr">
          <input type="radio" name="ui" value="fr" checked={props.ui === 'fr'} /> Français
        </label>
      </fieldset>
    </>
  );
}

/** The email form of the Subscribe box (and of the page that returns it with a problem). */
export function EmailDigestForm(props: { ctx: PageContext; form: EmailFormLinks; values?: EmailFormValues; problem?: string; headingLevel?: 2 | 3 }) {
  const { ctx, form } = props;
  const { ui } = ctx;
  const dw = DIGEST_PAGE_WORDS[ui];
  const v = props.values ?? { email: '', frequency: 'weekly', ui };
  const H = props.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <form method="post" action={form.action} class="admin-form digest-form">
      <H id="email-digest-h">{dw.formHeading}</H>
      <p>{dw.formIntro}</p>
      <input type="hidden" name="selection" value={form.selection} />
      <div class="field">
        <label for="digest-email">{dw.email}</label>
        <input
          type="email"
          id="digest-email"
          name="email"
          value={v.email}
          required
          maxlength={254}
          autocomplete="email"
          aria-invalid={props.problem ? 'true' : undefined}
          aria-describedby={props.problem ? 'digest-email-problem' : undefined}
        />
        {props.problem ? (
          <p class="field-error" id="digest-email-problem">
            {props.problem}
          </p>
        ) : null}
      </div>
      <FrequencyAndLanguage dw={dw} frequency={v.frequency} ui={v.ui} />
      {/* A field no person sees or fills: a form that comes back with it filled was sent by a robot. */}
      <div hidden>
        <label for="digest-website">{dw.honeypot}</label>
        <input type="text" id="digest-website" name="website" value="" tabindex={-1} autocomplete="off" />
      </div>
      <p class="buttons">
        <button type="submit">{dw.subscribe}</button>
      </p>
    </form>
  );
}

/** The email form alone on a page: with the reason it was refused. */
export function DigestRequestPage(props: { ctx: DigestContext; switchHref: string; form: EmailFormLinks; selectionTitle: string; values: EmailFormValues; problem: string; status?: 'bad' }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={`${ctx.dw.requestTitle} — Passerelle`} switchHref={props.switchHref}>
      <h1>{ctx.dw.requestTitle}</h1>
      <p class="lede">
        <a href={pageHref(ctx, '', props.form.selection)}>{props.selectionTitle}</a>
      </p>
      <div class="notice bad" role="alert">
        <p>{props.problem}</p>
      </div>
      <div class="box narrow">
        <EmailDigestForm ctx={ctx} form={props.form} values={props.values} problem={props.problem} headingLevel={2} />
      </div>
    </Layout>
  );
}

/** A page that says one thing: done, check your inbox, expired, wrong link. */
export function DigestMessagePage(props: { ctx: DigestContext; switchHref: string; title: string; paragraphs: string[]; tone?: 'ok' | 'bad'; back?: { href: string; text: string } }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={`${props.title} — Passerelle`} switchHref={props.switchHref}>
      <h1>{props.title}</h1>
      <div class={`notice ${props.tone ?? 'ok'}`} role={props.tone === 'bad' ? 'alert' : 'status'}>
        {props.paragraphs.map((p) => (
          <p>{p}</p>
        ))}
      </div>
      <p>
        <a href={props.back?.href ?? pageHref(ctx)}>{props.back?.text ?? ctx.dw.home}</a>
      </p>
    </Layout>
  );
}

/** One button behind a link: confirm, or unsubscribe. */
export function DigestButtonPage(props: { ctx: DigestContext; switchHref: string; title: string; text: string; selectionTitle: string; action: string; button: string; danger?: boolean }) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title={`${props.title} — Passerelle`} switchHref={props.switchHref}>
      <h1>{props.title}</h1>
      <p>{props.text}</p>
      <p>
        <strong>{props.selectionTitle}</strong>
      </p>
      <form method="post" action={props.action}>
        <p class="buttons">
          <button type="submit" class={props.danger ? 'danger' : undefined}>
            {props.button}
          </button>
        </p>
      </form>
    </Layout>
  );
}

export interface ManageValues {
  email: string;
  frequency: string;
  ui: Language;
  query: ItemQuery;
  suspendedReason?: string | null;
}

/** The change page: frequency, language and selection, and leaving. */
export function DigestManagePage(props: {
  ctx: DigestContext;
  switchHref: string;
  action: string;
  unsubscribeAction: string;
  values: ManageValues;
  sources: [string, string][];
  notice?: { tone: 'ok' | 'bad'; text: string };
}) {
  const { ctx, values } = props;
  const { dw, w, ui } = ctx;
  const q = values.query;
  const compare = compareText(ui);
  const byLabel = (a: [string, string], b: [string, string]) => compare(a[1], b[1]);
  return (
    <Layout ctx={ctx} title={`${dw.manageTitle} — Passerelle`} switchHref={props.switchHref}>
      <h1>{dw.manageTitle}</h1>
      <p class="lede">{dw.manageIntro(values.email)}</p>
      {props.notice ? (
        <div class={`notice ${props.notice.tone}`} role={props.notice.tone === 'bad' ? 'alert' : 'status'}>
          <p>{props.notice.text}</p>
        </div>
      ) : null}
      {values.suspendedReason ? (
        <div class="notice bad" role="alert">
          <p>{dw.suspended(values.suspendedReason)}</p>
        </div>
      ) : null}
      <form method="post" action={props.action} class="admin-form">
        <FrequencyAndLanguage dw={dw} frequency={values.frequency} ui={values.ui} />
        <h2>{dw.selectionHeading}</h2>
        <div class="filters">
          <div class="field">
            <label for="m-q">{dw.keywords}</label>
            <input type="text" id="m-q" name="q" value={q.q ?? ''} maxlength={200} />
          </div>
          <CheckGroup name="topic" legend={w.topic} options={[...ctx.topicLabels.entries()].sort(byLabel)} chosen={q.topics} open={Boolean(q.topics?.length)} />
          <CheckGroup name="region" legend={w.region} options={REGIONS.map((r) => [r, REGION_LABELS[r][ui]])} chosen={q.regions} open={Boolean(q.regions?.length)} />
          <CheckGroup name="province" legend={w.province} options={PROVINCES.map((p) => [p, PROVINCE_LABELS[p][ui]] as [string, string]).sort(byLabel)} chosen={q.provinces} open={Boolean(q.provinces?.length)} />
          <CheckGroup name="lang" legend={w.language} options={(['en', 'fr', 'other'] as const).map((l) => [l, LANGUAGE_LABELS[l][ui]])} chosen={q.languages} open={Boolean(q.languages?.length)} />
          <CheckGroup name="type" legend={w.type} options={ITEM_TYPES.map((t) => [t, TYPE_LABELS[t][ui]])} chosen={q.types} open={Boolean(q.types?.length)} />
          <CheckGroup name="source" legend={w.source} options={[...props.sources].sort(byLabel)} chosen={q.sources} open={Boolean(q.sources?.length)} />
        </div>
        <p class="buttons">
          <button type="submit">{dw.save}</button>
        </p>
      </form>
      <h2>{dw.unsubscribeHeading}</h2>
      <form method="post" action={props.unsubscribeAction}>
        <p class="buttons">
          <button type="submit" class="danger">
            {dw.unsubscribeButton}
          </button>
        </p>
      </form>
    </Layout>
  );
}
