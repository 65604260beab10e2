/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The admin pages about sources: the health table of every source (failing ones first, with the
// sparkline of their recent fetches), one source with its fields, health, fetch history and
// actions, and the confirmation step before a deletion.
import { compareText, formatBytes, formatDuration, formatRecent, formatStamp, formatUpcoming } from '../../core/locale.ts';
import type { Language, ProblemParams, SourceErrorCode } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS } from '../../core/words.ts';
import { uiQuery } from '../../publish/feed-address.ts';
import { errorWords, warningWords } from '../error-words.ts';
import { PAGE_SOURCE_WORDS } from '../page-source-words.ts';
import type { FetchView, SourceView } from '../source-views.ts';
import { ADMIN_FORM_WORDS } from '../admin-form-words.ts';
import { PageReadingSection } from './admin-page-source.tsx';
import { ActionForm, AdminLayout, adminHref, describeFetches, Notice, SourceState, Sparkline, SPARK_FETCHES, type AdminContext, type NoticeTone } from './admin-frame.tsx';
import { healthOf, type HealthKind } from './directory.tsx';
import { pageHref } from './layout.tsx';

export interface SourceHealth {
  source: SourceView;
  /** Recent fetches, oldest first. */
  fetches: FetchView[];
}

export interface PageNotice {
  tone: NoticeTone;
  text: string;
  detail?: string;
}

const ORDER: Record<HealthKind, number> = { failing: 0, gone: 1, never: 2, paused: 3, ok: 4 };

/** Failing sources first (the longest-failing first), then gone, never read, paused, working; by title within each. */
export function sortForHealth(rows: SourceHealth[], ui: Language): SourceHealth[] {
  const compare = compareText(ui);
  return [...rows].sort(
    (a, b) =>
      ORDER[healthOf(a.source)] - ORDER[healthOf(b.source)] ||
      b.source.errorCount - a.source.errorCount ||
      compare(a.source.title, b.source.title),
  );
}

const dash = '—';

/** The exact date and time: "2025-05-03 2:05 p.m. EDT", breaking only between the date and the time. */
function Stamp(props: { ctx: AdminContext; at: Date; class?: string }) {
  const [date, time] = formatStamp(props.at, props.ctx.ui);
  return (
    <time class={props.class} datetime={props.at.toISOString()}>
      <span class="nw">{date}</span> <span class="nw">{time}</span>
    </time>
  );
}

/** Relative, and the exact date and time beneath it. */
function When(props: { ctx: AdminContext; at: Date | null; empty?: string }) {
  const { ctx, at } = props;
  if (!at) return <>{props.empty ?? dash}</>;
  return (
    <>
      {formatRecent(at, ctx.now, ctx.ui)}
      <br />
      <Stamp ctx={ctx} at={at} class="meta" />
    </>
  );
}

function NextFetch(props: { ctx: AdminContext; source: SourceView }) {
  const { ctx, source: s } = props;
  const { aw } = ctx;
  if (s.status === 'paused') return <>{aw.notScheduledPaused}</>;
  if (s.status === 'gone') return <>{aw.notScheduledGone}</>;
  const upcoming = formatUpcoming(s.nextFetchAt, ctx.now, ctx.ui);
  return (
    <>
      {upcoming ?? aw.dueNow}
      <br />
      <Stamp ctx={ctx} at={s.nextFetchAt} class="meta" />
    </>
  );
}

/**
 * An error in plain words in the page's language, from its code; beneath, unless brief, the
 * fetcher's own detail in English, with the addresses and names an operator needs.
 */
function ErrorText(props: { ctx: AdminContext; code: SourceErrorCode | null; params: ProblemParams | null; detail: string | null; brief?: boolean }) {
  const { ctx, detail } = props;
  const plain = errorWords(props.code, props.params, ctx.ui);
  if (props.brief || !detail) return <>{plain}</>;
  return (
    <>
      {plain}
      <br />
      <span class="meta" lang={ctx.ui === 'en' ? undefined : 'en'}>
        {detail}
      </span>
    </>
  );
}

function regionText(ctx: AdminContext, s: SourceView): string {
  const region = REGION_LABELS[s.region][ctx.ui];
  const province = s.province ? PROVINCE_LABELS[s.province][ctx.ui] : undefined;
  return province && province !== region ? `${region} — ${province}` : region;
}

const showsError = (s: SourceView) => Boolean(s.lastErrorCode) && ['failing', 'gone', 'paused'].includes(healthOf(s));

function Tally(props: { ctx: AdminContext; rows: SourceHealth[] }) {
  const { aw } = props.ctx;
  const counts: Record<HealthKind, number> = { ok: 0, failing: 0, paused: 0, gone: 0, never: 0 };
  for (const r of props.rows) counts[healthOf(r.source)]++;
  const total = props.rows.length;
  const parts = [
    counts.ok ? aw.countWorking(counts.ok) : '',
    counts.never ? aw.countNever(counts.never) : '',
    counts.paused ? aw.countPaused(counts.paused) : '',
    counts.gone ? aw.countGone(counts.gone) : '',
  ].filter(Boolean);
  const headline = counts.failing ? aw.summaryFailing(counts.failing, total) : counts.ok === total ? aw.summaryAllWell(total) : aw.summaryNoneFailing;
  const rest = counts.failing || counts.ok !== total ? parts : [];
  return (
    <p class={`tally ${counts.failing ? 'bad' : 'ok'}`}>
      <strong>{headline}</strong>
      {rest.length ? ` · ${rest.join(' · ')}` : ''}
    </p>
  );
}

export function HealthPage(props: { ctx: AdminContext; rows: SourceHealth[]; switchHref: string; notice?: PageNotice }) {
  const { ctx } = props;
  const { aw, w, ui } = ctx;
  const rows = sortForHealth(props.rows, ui);
  return (
    <AdminLayout ctx={ctx} title={aw.adminTitle} switchHref={props.switchHref} current="sources">
      <h1>{aw.adminTitle}</h1>
      {props.notice ? <Notice tone={props.notice.tone}>{props.notice.text}</Notice> : null}
      <Tally ctx={ctx} rows={rows} />
      {rows.length === 0 ? (
        <p>
          {aw.noSources} {ctx.session?.readOnly ? null : <a href={adminHref(ctx, 'add')}>{aw.navAdd}</a>}
        </p>
      ) : (
        <>
          {/* On a phone each row is a card (site.css); the roles keep it a table to screen readers. */}
          <div class="table-wrap" role="region" aria-label={aw.tableScroll} tabindex={0}>
            <table class="health-table" role="table">
              <caption class="vh">{aw.tableCaption}</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">{aw.colStatus}</th>
                  <th scope="col" role="columnheader">{aw.colSourceAndOrg}</th>
                  <th scope="col" role="columnheader">{aw.colRegion}</th>
                  <th scope="col" role="columnheader">{aw.colLastFetch}</th>
                  <th scope="col" role="columnheader">{aw.colHttp}</th>
                  <th scope="col" role="columnheader">{aw.colLastError}</th>
                  <th scope="col" role="columnheader" class="num">
                    {aw.colItems}
                  </th>
                  <th scope="col" role="columnheader">{aw.colNextFetch}</th>
                  <th scope="col" role="columnheader">{aw.colRecent}</th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {rows.map(({ source: s, fetches }) => {
                  const failing = healthOf(s) === 'failing' || healthOf(s) === 'gone';
                  return (
                    <tr role="row" id={`s-${s.slug}`} class={failing ? 'failing' : undefined}>
                      <td role="cell" class="state-cell">
                        <SourceState ctx={ctx} source={s} stacked />
                      </td>
                      <th scope="row" role="rowheader" class="name-cell">
                        <a href={adminHref(ctx, `sources/${s.slug}`)}>{s.title}</a>
                        {s.organization !== s.title ? (
                          <>
                            <br />
                            <span class="org">{s.organization}</span>
                          </>
                        ) : null}
                      </th>
                      <td role="cell" data-label={aw.colRegion}>
                        {regionText(ctx, s)}
                      </td>
                      <td role="cell" data-label={aw.colLastFetch}>
                        <When ctx={ctx} at={s.lastFetchAt} empty={aw.never} />
                      </td>
                      <td role="cell" data-label={aw.colHttp} class="minor">
                        {s.lastStatus ?? dash}
                      </td>
                      <td role="cell" data-label={aw.colLastError} class={showsError(s) ? 'error-cell' : 'error-cell minor'}>
                        {showsError(s) ? <ErrorText ctx={ctx} code={s.lastErrorCode} params={s.lastErrorParams} detail={s.lastError} brief /> : dash}
                      </td>
                      <td role="cell" data-label={aw.colItems} class="num">
                        <a href={pageHref(ctx, '', `source=${s.slug}`)}>{s.itemCount}</a>
                      </td>
                      <td role="cell" data-label={aw.colNextFetch}>
                        <NextFetch ctx={ctx} source={s} />
                      </td>
                      <td role="cell" data-label={aw.colRecent} class="minor">
                        <Sparkline ctx={ctx} fetches={fetches} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p class="meta spark-legend">{aw.sparkLegend}</p>
        </>
      )}
      <p class="meta">
        <a href={`${ctx.publicUrl}/api/sources`}>{w.footerApi}</a> · <a href={`${ctx.publicUrl}/opml/sources.opml${uiQuery(ui)}`}>{w.sourcesOpml}</a>
      </p>
    </AdminLayout>
  );
}

function Fact(props: { term: string; children: unknown }) {
  return (
    <>
      <dt>{props.term}</dt>
      <dd>{props.children as never}</dd>
    </>
  );
}

function Actions(props: { ctx: AdminContext; source: SourceView }) {
  const { ctx, source: s } = props;
  const { aw } = ctx;
  if (ctx.session?.readOnly) return <p class="meta">{aw.readOnlyNote}</p>;
  const base = `sources/${s.slug}`;
  return (
    <>
      <ul class="admin-actions">
        <li>
          {s.status === 'active' ? (
            <ActionForm ctx={ctx} action={adminHref(ctx, `${base}/refresh`)}>
              <button type="submit" aria-describedby="refresh-hint">
                {aw.refresh}
              </button>{' '}
              <span id="refresh-hint" class="meta">
                {aw.refreshHint}
              </span>
            </ActionForm>
          ) : (
            <p class="meta">{aw.refreshNeedsActive}</p>
          )}
        </li>
        <li>
          {s.status === 'active' ? (
            <ActionForm ctx={ctx} action={adminHref(ctx, `${base}/pause`)}>
              <button type="submit" class="secondary" aria-describedby="pause-hint">
                {aw.pause}
              </button>{' '}
              <span id="pause-hint" class="meta">
                {aw.pauseHint}
              </span>
            </ActionForm>
          ) : (
            <ActionForm ctx={ctx} action={adminHref(ctx, `${base}/resume`)}>
              <button type="submit" class="secondary" aria-describedby="resume-hint">
                {aw.resume}
              </button>{' '}
              <span id="resume-hint" class="meta">
                {aw.resumeHint}
              </span>
            </ActionForm>
          )}
        </li>
        <li>
          <a class="button secondary" href={adminHref(ctx, `${base}/edit`)}>
            {ADMIN_FORM_WORDS[ctx.ui].edit}
          </a>
        </li>
        {s.origin === 'file' ? null : (
          <li>
            <a class="button danger" href={adminHref(ctx, `${base}/delete`)}>
              {aw.delete}
            </a>
          </li>
        )}
      </ul>
      {s.origin === 'file' ? <p class="meta">{aw.fileManaged}</p> : null}
    </>
  );
}

export function SourcePage(props: { ctx: AdminContext; source: SourceView; fetches: FetchView[]; topicLabels: Map<string, string>; switchHref: string; notice?: PageNotice }) {
  const { ctx, source: s, notice } = props;
  const { aw, w, ui } = ctx;
  const newestFirst = [...props.fetches].reverse();
  const lang = ui === 'en' ? undefined : 'en';
  const interval = s.intervalOverrideMinutes
    ? aw.intervalFixed(s.intervalOverrideMinutes)
    : s.intervalMinutes
      ? aw.intervalAdaptive(s.intervalMinutes)
      : aw.intervalUnknown;
  return (
    <AdminLayout ctx={ctx} title={s.title} switchHref={props.switchHref}>
      <p>
        <a href={adminHref(ctx)}>← {aw.backToSources}</a>
      </p>
      <h1>{s.title}</h1>
      <p class="state-line">
        <SourceState ctx={ctx} source={s} /> · {s.organization}
      </p>
      {notice ? (
        <Notice tone={notice.tone}>
          {notice.text}
          {notice.detail ? (
            <>
              <br />
              <span class="meta" lang={lang}>
                {notice.detail}
              </span>
            </>
          ) : null}
        </Notice>
      ) : null}
      {s.origin === 'file' && ctx.session?.readOnly ? <p class="meta">{aw.fileManaged}</p> : null}

      <section aria-labelledby="actions-h">
        <h2 id="actions-h">{aw.actionsHeading}</h2>
        <Actions ctx={ctx} source={s} />
      </section>

      <section aria-labelledby="health-h">
        <h2 id="health-h">{aw.health}</h2>
        <div class="spark-line">
          <Sparkline ctx={ctx} fetches={props.fetches} scale={2} decorative />
          <p class="meta">{describeFetches(aw, props.fetches.slice(-SPARK_FETCHES))}</p>
        </div>
        <dl class="facts">
          <Fact term={aw.colStatus}>
            <SourceState ctx={ctx} source={s} />
          </Fact>
          <Fact term={aw.colLastFetch}>
            <When ctx={ctx} at={s.lastFetchAt} empty={aw.never} />
          </Fact>
          <Fact term={aw.lastSuccess}>
            <When ctx={ctx} at={s.lastSuccessAt} empty={aw.never} />
          </Fact>
          <Fact term={w.httpStatus}>{s.lastStatus ?? dash}</Fact>
          {s.lastErrorCode ? (
            <Fact term={aw.colLastError}>
              <ErrorText ctx={ctx} code={s.lastErrorCode} params={s.lastErrorParams} detail={s.lastError} />
              {s.lastErrorAt ? (
                <>
                  <br />
                  <When ctx={ctx} at={s.lastErrorAt} />
                </>
              ) : null}
            </Fact>
          ) : null}
          <Fact term={aw.consecutiveFailures}>{s.errorCount}</Fact>
          <Fact term={aw.colItems}>
            <a href={pageHref(ctx, '', `source=${s.slug}`)}>{w.itemCount(s.itemCount)}</a>
          </Fact>
          <Fact term={aw.colNextFetch}>
            <NextFetch ctx={ctx} source={s} />
          </Fact>
          <Fact term={aw.fieldInterval}>{interval}</Fact>
        </dl>
        {s.lastWarnings?.length ? (
          <>
            <h3>{aw.warnings}</h3>
            <ul class="warnings">
              {s.lastWarnings.map((warning) => {
                const { text, english } = warningWords(warning, ui);
                return (
                  <li>
                    {text}
                    {english === undefined ? null : <span lang={lang}>{english}</span>}
                  </li>
                );
              })}
            </ul>
          </>
        ) : null}
      </section>

      <PageReadingSection ctx={ctx} source={s} />

      <section aria-labelledby="fields-h">
        <h2 id="fields-h">{aw.sourceFields}</h2>
        <dl class="facts">
          <Fact term={aw.fieldTitle}>{s.title}</Fact>
          <Fact term={aw.fieldSlug}>
            <code>{s.slug}</code>
          </Fact>
          <Fact term={s.kind === 'page' ? PAGE_SOURCE_WORDS[ui].pageAddress : aw.fieldFeedUrl}>
            <a href={s.url} class="url">
              {s.url}
            </a>
          </Fact>
          <Fact term={aw.fieldSiteUrl}>
            {s.siteUrl ? (
              <a href={s.siteUrl} class="url">
                {s.siteUrl}
              </a>
            ) : (
              aw.none
            )}
          </Fact>
          <Fact term={aw.fieldOrganization}>{s.organization}</Fact>
          <Fact term={aw.fieldRegion}>{REGION_LABELS[s.region][ui]}</Fact>
          <Fact term={aw.fieldProvince}>{s.province ? PROVINCE_LABELS[s.province][ui] : aw.none}</Fact>
          <Fact term={aw.fieldLanguages}>{s.languages.map((l) => LANGUAGE_LABELS[l][ui]).join(', ')}</Fact>
          <Fact term={aw.fieldTopics}>{s.topics.length ? s.topics.map((t) => props.topicLabels.get(t) ?? t).join(', ') : aw.none}</Fact>
          <Fact term={aw.fieldOrigin}>
            {s.origin === 'file' ? aw.originFile : aw.originApi}
            <br />
            <Stamp ctx={ctx} at={s.createdAt} class="meta" />
          </Fact>
          <Fact term={aw.fieldAliases}>
            {s.aliases.length ? (
              <ul class="plain">
                {s.aliases.map((a) => (
                  <li class="url">{a}</li>
                ))}
              </ul>
            ) : (
              aw.none
            )}
          </Fact>
          {s.feedTitle ? <Fact term={aw.fieldFeedTitle}>{s.feedTitle}</Fact> : null}
        </dl>
        <p class="links">
          <a href={pageHref(ctx, '', `source=${s.slug}`)}>{aw.readerItems}</a>
          <a href={`${ctx.publicUrl}/sources/${s.slug}.rss${uiQuery(ui)}`}>{w.feedOurs}</a>
          <a href={s.url}>{w.feedOriginal}</a>
        </p>
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">{aw.historyHeading}</h2>
        {newestFirst.length ? (
          <div class="table-wrap" role="region" aria-label={aw.historyCaption(newestFirst.length)} tabindex={0}>
            <table class="history">
              <caption class="vh">{aw.historyCaption(newestFirst.length)}</caption>
              <thead>
                <tr>
                  <th scope="col">{aw.colStarted}</th>
                  <th scope="col">{aw.colOutcome}</th>
                  <th scope="col">{aw.colHttp}</th>
                  <th scope="col" class="num">
                    {aw.colDuration}
                  </th>
                  <th scope="col" class="num">
                    {aw.colNew}
                  </th>
                  <th scope="col" class="num">
                    {aw.colUpdated}
                  </th>
                  <th scope="col" class="num">
                    {aw.colSize}
                  </th>
                  <th scope="col">{aw.colError}</th>
                </tr>
              </thead>
              <tbody>
                {newestFirst.map((f) => (
                  <tr>
                    <th scope="row">
                      <Stamp ctx={ctx} at={f.startedAt} />
                    </th>
                    <td class={f.outcome === 'failed' ? 'bad' : undefined}>{aw.outcome[f.outcome]}</td>
                    <td>{f.httpStatus ?? dash}</td>
                    <td class="num">{formatDuration(f.durationMs, ui)}</td>
                    <td class="num">{f.itemsNew}</td>
                    <td class="num">{f.itemsUpdated}</td>
                    <td class="num">{f.bytes === null ? dash : formatBytes(f.bytes, ui)}</td>
                    <td class="error-cell">{f.errorCode ? <ErrorText ctx={ctx} code={f.errorCode} params={f.errorParams} detail={f.error} /> : dash}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{aw.noFetches}</p>
        )}
      </section>
    </AdminLayout>
  );
}

export function DeletePage(props: { ctx: AdminContext; source: SourceView; switchHref: string; problem?: string }) {
  const { ctx, source: s } = props;
  const { aw } = ctx;
  const title = aw.deleteTitle(s.title);
  return (
    <AdminLayout ctx={ctx} title={title} switchHref={props.switchHref}>
      <h1>{title}</h1>
      {props.problem ? <Notice tone="bad">{props.problem}</Notice> : null}
      <p class="warning-text">{aw.deleteWarning(s.itemCount)}</p>
      <ActionForm ctx={ctx} action={adminHref(ctx, `sources/${s.slug}/delete`)} class="admin-form">
        <p class="check">
          <input type="checkbox" id="confirm" name="confirm" value="yes" required aria-invalid={props.problem ? 'true' : undefined} />
          <label for="confirm">{aw.deleteConfirm}</label>
        </p>
        <p class="buttons">
          <button type="submit" class="danger">
            {aw.deleteButton}
          </button>
          <a href={adminHref(ctx, `sources/${s.slug}`)}>{aw.cancel}</a>
        </p>
      </ActionForm>
    </AdminLayout>
  );
}
