/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// What every admin page shares: the reader's frame with an admin bar (sections, who is signed in,
// sign out), notices, the status of a source in words with a shape beside it, the sparkline of
// recent fetches, the sign-in page and plain message pages. Forms only: no script anywhere.
import type { Child } from 'hono/jsx';
import { FETCH_OUTCOMES, type FetchOutcome } from '../../core/types.ts';
import type { FetchView, SourceView } from '../source-views.ts';
import { ADMIN_FORM_WORDS } from '../admin-form-words.ts';
import { ADMIN_CSS } from '../assets.ts';
import type { AdminWords } from '../admin-words.ts';
import { FORM_TOKEN_FIELD } from '../admin-session.ts';
import { DIGEST_ADMIN_WORDS } from '../digest-words.ts';
import { healthOf, type HealthKind } from './directory.tsx';
import { Layout, type PageContext } from './layout.tsx';

export interface AdminSession {
  /** The token's name (ADMIN_TOKEN, or the name given at creation). */
  name: string;
  readOnly: boolean;
  /** The hidden field value for forms; absent when the request authenticated with its own header. */
  formToken?: string;
}

export interface AdminContext extends PageContext {
  aw: AdminWords;
  session?: AdminSession;
}

/** An admin page's address: adminHref(ctx, 'sources/x') → /en/admin/sources/x */
export function adminHref(ctx: PageContext, path = '', query = '', ui = ctx.ui): string {
  return `${ctx.base}/${ui}/admin${path ? `/${path}` : ''}${query ? `?${query}` : ''}`;
}

/** The hidden fields every state-changing form carries. */
export function FormToken(props: { ctx: AdminContext }) {
  const token = props.ctx.session?.formToken;
  return token ? <input type="hidden" name={FORM_TOKEN_FIELD} value={token} /> : null;
}

/** A form that changes something: a POST with the session's form token (multipart for a file). */
export function ActionForm(props: { ctx: AdminContext; action: string; class?: string; multipart?: boolean; children: Child }) {
  return (
    <form method="post" action={props.action} class={props.class} enctype={props.multipart ? 'multipart/form-data' : undefined}>
      <FormToken ctx={props.ctx} />
      {props.children}
    </form>
  );
}

export function AdminLayout(props: { ctx: AdminContext; title: string; switchHref: string; current?: 'sources' | 'add' | 'import' | 'digests'; children: Child }) {
  const { ctx } = props;
  const { aw, session } = ctx;
  return (
    <Layout ctx={ctx} title={`${props.title} — ${aw.adminNavLabel} — Passerelle`} switchHref={props.switchHref} stylesheets={[ADMIN_CSS]}>
      {session ? (
        <div class="admin-bar">
          <nav aria-label={aw.adminNavLabel}>
            <ul>
              <li>
                <a href={adminHref(ctx)} aria-current={props.current === 'sources' ? 'page' : undefined}>
                  {aw.navSources}
                </a>
              </li>
              <li>
                <a href={adminHref(ctx, 'digests')} aria-current={props.current === 'digests' ? 'page' : undefined}>
                  {DIGEST_ADMIN_WORDS[ctx.ui].nav}
                </a>
              </li>
              {session.readOnly ? null : (
                <li>
                  <a href={adminHref(ctx, 'add')} aria-current={props.current === 'add' ? 'page' : undefined}>
                    {aw.navAdd}
                  </a>
                </li>
              )}
              {session.readOnly ? null : (
                <li>
                  <a href={adminHref(ctx, 'import')} aria-current={props.current === 'import' ? 'page' : undefined}>
                    {ADMIN_FORM_WORDS[ctx.ui].navImport}
                  </a>
                </li>
              )}
            </ul>
          </nav>
          <p class="who">
            {aw.signedInAs(session.name)}
            {session.readOnly ? <strong class="badge">{aw.readOnlyBadge}</strong> : null}
          </p>
          <ActionForm ctx={ctx} action={adminHref(ctx, 'sign-out')}>
            <button type="submit" class="quiet">
              {aw.signOut}
            </button>
          </ActionForm>
        </div>
      ) : null}
      {props.children}
    </Layout>
  );
}

export type NoticeTone = 'ok' | 'bad';

/** A message after an action (role=status) or a refusal (role=alert), near the top of the page. */
export function Notice(props: { tone: NoticeTone; children: Child }) {
  return (
    <div class={`notice ${props.tone}`} role={props.tone === 'bad' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** Small shapes that tell states apart without colour (the words beside them say it too). */
export function StateIcon(props: { kind: HealthKind }) {
  const shapes: Record<HealthKind, Child> = {
    ok: <path d="M2 6.5l2.5 2.5L10 3" fill="none" stroke="currentColor" stroke-width="2" />,
    failing: <path d="M6 1L11 10.5H1z" fill="currentColor" />,
    paused: <path d="M3 2h2v8H3zM7 2h2v8H7z" fill="currentColor" />,
    gone: <path d="M2 2l8 8M10 2l-8 8" fill="none" stroke="currentColor" stroke-width="2" />,
    never: <circle cx="6" cy="6" r="4" fill="none" stroke="currentColor" stroke-width="1.5" />,
  };
  return (
    <svg class="icon" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
      {shapes[props.kind]}
    </svg>
  );
}

export const TONES: Record<HealthKind, 'ok' | 'bad' | 'warn'> = { ok: 'ok', failing: 'bad', gone: 'bad', paused: 'warn', never: 'warn' };

/** "Active — failing", "Paused", "Gone", with its shape: the status column and the source page's heading line. */
export function SourceState(props: { ctx: AdminContext; source: SourceView; stacked?: boolean }) {
  const { aw } = props.ctx;
  const kind = healthOf(props.source);
  const status = props.source.status === 'paused' ? aw.statusPaused : props.source.status === 'gone' ? aw.statusGone : aw.statusActive;
  const health = kind === 'ok' ? aw.healthWorking : kind === 'failing' ? aw.healthFailing : kind === 'never' ? aw.healthNever : undefined;
  return (
    <span class={`state ${TONES[kind]}`}>
      <StateIcon kind={kind} />
      <strong>{status}</strong>
      {health && props.stacked ? (
        <>
          <span class="vh">, </span>
          <br />
          {health}
        </>
      ) : health ? (
        ` — ${health}`
      ) : (
        ''
      )}
    </span>
  );
}


/** "Last 30 fetches: 28 ok, 1 not modified, 1 failed": the sparkline's text alternative. */
export function describeFetches(aw: AdminWords, fetches: FetchView[]): string {
  if (fetches.length === 0) return aw.noFetches;
  const counts = new Map<FetchOutcome, number>();
  for (const f of fetches) counts.set(f.outcome, (counts.get(f.outcome) ?? 0) + 1);
  return aw.fetchesSummary(
    fetches.length,
    FETCH_OUTCOMES.filter((o) => counts.has(o)).map((o) => aw.outcomeCount(o, counts.get(o)!)),
  );
}

export const SPARK_FETCHES = 30;
const BAR = 4;
const UP = 16;
const DOWN = 7;

/** Bar height from a duration, on a log scale from 20 ms (3 px) to 10 s (16 px), so slow and fast fetches both show. */
function barHeight(ms: number): number {
  const t = Math.log(Math.max(ms, 20) / 20) / Math.log(10_000 / 20);
  return Math.round((3 + Math.min(1, t) * (UP - 3)) * 10) / 10;
}

/**
 * The recent fetches, oldest left: a bar above the line for each that worked (green: new
 * content, grey: nothing new), as tall as it was slow; a red bar below the line for each failure.
 * Up or down tells success from failure without colour; the text alternative counts them.
 */
export function Sparkline(props: { ctx: AdminContext; fetches: FetchView[]; scale?: number; decorative?: boolean }) {
  const recent = props.fetches.slice(-SPARK_FETCHES);
  const label = describeFetches(props.ctx.aw, recent);
  const width = SPARK_FETCHES * BAR;
  const scale = props.scale ?? 1;
  return (
    <svg
      class="spark"
      role={props.decorative ? undefined : 'img'}
      aria-label={props.decorative ? undefined : label}
      aria-hidden={props.decorative ? 'true' : undefined}
      viewBox={`0 0 ${width} ${UP + DOWN + 1}`}
      width={width * scale}
      height={(UP + DOWN + 1) * scale}
    >
      {props.decorative ? null : <title>{label}</title>}
      <path d={`M0 ${UP + 0.5}H${width}`} stroke="#8a939e" stroke-width="1" />
      {recent.map((f, i) => {
        const x = (SPARK_FETCHES - recent.length + i) * BAR + 0.5;
        const outcome = f.outcome;
        if (outcome === 'failed') return <rect class="sf" x={x} y={UP + 1} width={BAR - 1} height={DOWN} />;
        const h = barHeight(f.durationMs);
        return <rect class={outcome === 'ok' ? 'so' : 'sn'} x={x} y={UP - h} width={BAR - 1} height={h} />;
      })}
    </svg>
  );
}

export function SignInPage(props: { ctx: AdminContext; switchHref: string; next?: string; message?: { tone: NoticeTone; text: string } }) {
  const { ctx } = props;
  const { aw } = ctx;
  return (
    <AdminLayout ctx={ctx} title={aw.signInTitle} switchHref={props.switchHref}>
      <h1>{aw.signInTitle}</h1>
      {props.message ? <Notice tone={props.message.tone}>{props.message.text}</Notice> : null}
      <p class="lede">{aw.signInIntro}</p>
      <form method="post" action={adminHref(ctx, 'sign-in')} class="admin-form narrow">
        {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
        <p>
          <label for="token">{aw.tokenLabel}</label>
          <input type="password" id="token" name="token" required autocomplete="current-password" spellcheck={false} maxlength={1024} />
        </p>
        <p>
          <button type="submit">{aw.signInButton}</button>
        </p>
      </form>
    </AdminLayout>
  );
}

/** A page that only says something: a refusal, a missing source, a failure of ours. */
export function MessagePage(props: { ctx: AdminContext; switchHref: string; title: string; text: string; detail?: string; back?: { href: string; label: string } }) {
  const { ctx } = props;
  const { aw, ui, w } = ctx;
  return (
    <AdminLayout ctx={ctx} title={props.title} switchHref={props.switchHref}>
      <div class="problem">
        <h1>{props.title}</h1>
        <p>{props.text}</p>
        {props.detail ? (
          <p>
            {aw.technicalDetail}
            {w.colon} <code lang={ui === 'en' ? undefined : 'en'}>{props.detail}</code>
          </p>
        ) : null}
      </div>
      <p>
        <a href={props.back?.href ?? adminHref(ctx)}>{props.back?.label ?? aw.backToSources}</a>
      </p>
    </AdminLayout>
  );
}
