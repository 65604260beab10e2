/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Friendly answers for a selection we cannot read (400, naming the parameter and what it takes, with
// a link to the page without it or to the corrected address), a missing page (404) and our own
// failures (500), in the page's language.
import type { QueryProblem } from '../../publish/feed-query.ts';
import { describeQueryProblem, parameterLabel } from '../reader-words.ts';
import { Layout, pageHref, type PageContext } from './layout.tsx';

export interface PageProblem {
  status: 400 | 404 | 500;
  /** The error's own message (technical, in English). */
  detail?: string;
  /** What was wrong with the address, as data, for a 400. */
  query?: QueryProblem;
  /** The same page without the parameter, or with "amp;" taken off its name. */
  fix?: { href: string; corrected: boolean };
  requestId?: string;
}

/** "topic: unknown value …" → "topic" */
export function parameterOf(detail: string | undefined): string | undefined {
  return /^([a-z]+):/.exec(detail ?? '')?.[1];
}

export function ErrorPage(props: { ctx: PageContext; problem: PageProblem; switchHref: string }) {
  const { ctx, problem } = props;
  const { w, ui } = ctx;
  const title = problem.status === 400 ? w.badRequestTitle : problem.status === 404 ? w.notFoundTitle : w.serverErrorTitle;
  const param = problem.query?.parameter ?? parameterOf(problem.detail);
  const label = param ? parameterLabel(param, ui) : undefined;
  return (
    <Layout ctx={ctx} title={`${title} — Passerelle`} switchHref={props.switchHref}>
      <div class="problem">
        <h1>{title}</h1>
        {problem.status === 400 ? (
          <>
            <p>
              {w.badRequestLead} <strong>{w.parameter(param ?? '?')}</strong>
              {label ? ` (${label})` : ''}.
            </p>
            {problem.query ? <p>{describeQueryProblem(problem.query, ui)}</p> : null}
            {problem.fix ? (
              <p>
                <a href={problem.fix.href}>{problem.fix.corrected ? w.correctedAddress : w.withoutParameter}</a>
              </p>
            ) : null}
            {problem.detail ? (
              <p class="meta">
                {w.detail}
                {w.colon} <code lang={ui === 'en' ? undefined : 'en'}>{problem.detail}</code>
              </p>
            ) : null}
          </>
        ) : problem.status === 404 ? (
          <p>{w.notFoundText}</p>
        ) : (
          <p>
            {w.serverErrorText} <code>{problem.requestId ?? '-'}</code>
          </p>
        )}
      </div>
      <p>
        <a href={pageHref(ctx)}>{w.startOver}</a>
      </p>
    </Layout>
  );
}
