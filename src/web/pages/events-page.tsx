/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The events page: events from today on by start date (or past ones, latest first), grouped by
// week, each with its date and time in the reader's time zone and its place or "online"; the
// river's filters plus a time zone and a date range, in one plain GET form; paging; and the box
// to subscribe to these events in a calendar or put them on a website.
import { formatDayOfMonth, LOCALES } from '../../core/locale.ts';
import { type ItemLanguage, type Language } from '../../core/types.ts';
import { LANGUAGE_LABELS } from '../../core/words.ts';
import { truncateText } from '../../normalize/text.ts';
import type { HubStanding } from '../../pipeline/hub-standing.ts';
import { dayAfter, dayIn, startOfDay, type EventParams } from '../../publish/event-query.ts';
import type { FeedQuery } from '../../publish/feed-query.ts';
import type { ItemView } from '../../store/items-query.ts';
import type { SourceView } from '../source-views.ts';
import { CalendarLink } from './calendar-link.tsx';
import { EventLine, zoneOptions } from './event-parts.tsx';
import { HubEmpty, isHubEmpty } from './hub-empty.tsx';
import { EVENTS_PATH, foreignLang, Layout, pageHref, type FeedLink, type PageContext } from './layout.tsx';
import { byLabel, CheckGroup, Hidden, PlaceGroup, SourceGroup } from './river.tsx';

/** Where the past events live, under the events page, in each language. */
export const PAST_PATH: Record<Language, string> = { en: 'events/past', fr: 'evenements/passes' };

export interface EventsSubscribe {
  calendar: string;
  rss: string;
  embedUrl: string;
  iframe: string;
  script: string;
}

export interface EventsProps {
  ctx: PageContext;
  when: 'upcoming' | 'past';
  query: FeedQuery;
  range: EventParams;
  heading: string;
  items: ItemView[];
  sources: Pick<SourceView, 'slug' | 'title'>[];
  /** Filter, zone and range as a query string, without the cursor. */
  pageQuery: string;
  nextQuery?: string;
  paged: boolean;
  subscribe: EventsSubscribe;
  feeds: FeedLink[];
  switchHref: string;
  /** Where the hub stands: an empty list explains a hub with no items yet. */
  standing?: HubStanding;
}

const SUMMARY_CHARS = 200;

/** The Monday starting the week of an ISO date. */
function mondayOf(day: string): string {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return dayAfter(day, -((weekday + 6) % 7));
}

interface Week {
  monday: string;
  items: ItemView[];
}

/** Events by the week they start in, in the reader's zone; with `today`, one under way is in this week. */
function byWeek(items: ItemView[], zone: string, today?: string): Week[] {
  const weeks: Week[] = [];
  for (const item of items) {
    const event = item.event!;
    let day = event.allDay ? event.start : dayIn(event.startAt.getTime(), zone);
    if (today && day < today) day = today;
    const monday = mondayOf(day);
    const last = weeks.at(-1);
    if (last?.monday === monday) last.items.push(item);
    else weeks.push({ monday, items: [item] });
  }
  return weeks;
}

function weekHeading(ctx: PageContext, monday: string, thisMonday: string): string {
  const { w, ui } = ctx;
  if (monday === thisMonday) return w.thisWeek;
  if (monday === dayAfter(thisMonday, 7)) return w.nextWeek;
  const year = monday.slice(0, 4) !== thisMonday.slice(0, 4) ? ` ${monday.slice(0, 4)}` : '';
  return w.weekOf(`${formatDayOfMonth(monday, ui)}${year}`);
}

function EventCard(props: { ctx: PageContext; item: ItemView; zone: string; todayStart: number }) {
  const { ctx, item, zone } = props;
  const lang = foreignLang(ctx, item.language);
  const event = item.event!;
  // Begun before today and not over: by the day, so the page stays the same all day long.
  const underWay = event.startAt.getTime() < props.todayStart && event.endAt.getTime() > props.todayStart;
  const languageLabel = lang ? LANGUAGE_LABELS[item.language as ItemLanguage]?.[ctx.ui] : undefined;
  return (
    <li>
      <h3 lang={lang}>
        <a href={pageHref(ctx, `items/${item.id}`)}>{item.title}</a>
      </h3>
      <EventLine ctx={ctx} event={event} zone={zone} />
      <p class="meta">
        {underWay ? <strong>{ctx.w.underWay} · </strong> : null}
        {item.source.organization}
        {languageLabel ? ` · ${languageLabel}` : ''}
      </p>
      {item.summary ? <p lang={lang}>{truncateText(item.summary, SUMMARY_CHARS)}</p> : null}
    </li>
  );
}

function EventFilters(props: EventsProps) {
  const { ctx, query, range } = props;
  const { w, ui } = ctx;
  const path = props.when === 'upcoming' ? EVENTS_PATH[ui] : PAST_PATH[ui];
  const kept: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(props.pageQuery)) if (['clusters', 'limit', 'type', 'since'].includes(name)) kept.push([name, value]);
  const active = [query.topics, query.regions, query.provinces, query.languages, query.sources].some((v) => v?.length) || query.q || range.fromDate || range.toDate;
  const topics = [...ctx.topicLabels.entries()].sort(byLabel(ui));
  const chosen = [query.topics, query.regions, query.provinces, query.languages, query.sources].reduce((n, v) => n + (v?.length ?? 0), 0) + (query.q ? 1 : 0) + (range.fromDate || range.toDate ? 1 : 0);
  // Folded on small screens as on the river, so the first events show without scrolling.
  return (
    <section class="filters" aria-labelledby="filters-h">
      <h2 id="filters-h" class="wide-only">
        {w.filtersHeading}
      </h2>
      <details class="panel">
        <summary>
          <span class="panel-h">{w.filtersHeading}</span>
          {chosen ? <span class="count"> · {w.filtersActive(chosen)}</span> : null}
        </summary>
        <form method="get" action={pageHref(ctx, path)}>
          <Hidden entries={kept} />
          <p>
            <label for="f-q">{w.searchLabel}</label>
            <input type="search" id="f-q" name="q" value={query.q ?? ''} maxlength={200} />
          </p>
          <p>
            <label for="f-tz">{w.timeZone}</label>
            <select id="f-tz" name="tz">
              {zoneOptions(ui).map(([zone, label]) => (
                <option value={zone} selected={zone === range.tz}>
                  {label}
                </option>
              ))}
            </select>
          </p>
          <fieldset class="dates">
            <legend>{w.dates}</legend>
            <label for="f-from">{w.dateFrom}</label>
            <input type="date" id="f-from" name="from" value={range.fromDate ?? ''} lang={LOCALES[ui]} />
            <label for="f-to">{w.dateTo}</label>
            <input type="date" id="f-to" name="to" value={range.toDate ?? ''} lang={LOCALES[ui]} />
          </fieldset>
          <CheckGroup name="topic" legend={w.topic} options={topics} chosen={query.topics} />
          <PlaceGroup ctx={ctx} query={query} open={Boolean(query.regions?.length || query.provinces?.length)} />
          <CheckGroup name="lang" legend={w.language} options={(['en', 'fr', 'other'] as const).map((l) => [l, LANGUAGE_LABELS[l][ui]])} chosen={query.languages} />
          <SourceGroup ctx={ctx} query={query} sources={props.sources.map((s) => [s.slug, s.title])} open={Boolean(query.sources?.length)} />
          <p class="actions">
            <button type="submit">{w.apply}</button>
            {active ? <a href={pageHref(ctx, path)}>{w.clear}</a> : null}
          </p>
        </form>
      </details>
    </section>
  );
}

function EventsSubscribeBox(props: { ctx: PageContext; links: EventsSubscribe }) {
  const { ctx, links } = props;
  const { w } = ctx;
  return (
    <section id="subscribe" class="box" aria-labelledby="subscribe-h">
      <h2 id="subscribe-h">{w.eventsSubscribeHeading}</h2>
      <p>{w.calendarIntro}</p>
      <ul class="feeds">
        <CalendarLink ctx={ctx} href={links.calendar} />
        <li>
          <b>{w.feedRss}</b> <a href={links.rss}>{links.rss}</a>
        </li>
      </ul>
      <h3>{w.eventsEmbedHeading}</h3>
      <p>{w.eventsEmbedIntro}</p>
      <label for="embed-iframe">{w.embedIframe}</label>
      <textarea id="embed-iframe" readonly rows={3}>
        {links.iframe}
      </textarea>
      <label for="embed-script">{w.embedScript}</label>
      <textarea id="embed-script" readonly rows={3}>
        {links.script}
      </textarea>
      <p>
        <a href={links.embedUrl}>{w.embedPreview}</a>
      </p>
    </section>
  );
}

export function EventsPage(props: EventsProps) {
  const { ctx, items, range, when } = props;
  const { w, ui } = ctx;
  const today = dayIn(ctx.now, range.tz);
  const thisMonday = mondayOf(today);
  const upcoming = when === 'upcoming';
  const weeks = byWeek(items, range.tz, upcoming ? today : undefined);
  const otherList = upcoming ? pageHref(ctx, PAST_PATH[ui], props.pageQuery) : pageHref(ctx, EVENTS_PATH[ui], props.pageQuery);
  const path = upcoming ? EVENTS_PATH[ui] : PAST_PATH[ui];
  return (
    <Layout ctx={ctx} title={`${props.heading} — Passerelle`} switchHref={props.switchHref} current="events" feeds={props.feeds} description={upcoming ? w.eventsLede : w.pastEventsLede}>
      <h1>{props.heading}</h1>
      <p class="lede">
        {upcoming ? w.eventsLede : w.pastEventsLede} · <a href={otherList}>{upcoming ? w.pastEventsHeading : w.eventsHeading}</a> · <a href="#subscribe">{w.subscribeShort}</a>
      </p>
      <div class="river">
        <EventFilters {...props} />
        <section aria-labelledby="events-h">
          <h2 id="events-h" class="vh">
            {upcoming ? w.eventsHeading : w.pastEventsHeading}
          </h2>
          {weeks.length ? (
            weeks.map((week, i) => (
              <section class="week" aria-labelledby={`week-${i}`}>
                <h2 id={`week-${i}`}>{weekHeading(ctx, week.monday, thisMonday)}</h2>
                <ol class="items events">
                  {week.items.map((item) => (
                    <EventCard ctx={ctx} item={item} zone={range.tz} todayStart={startOfDay(today, range.tz).getTime()} />
                  ))}
                </ol>
              </section>
            ))
          ) : isHubEmpty(props.standing) ? (
            <HubEmpty ctx={ctx} standing={props.standing} />
          ) : (
            <p>{upcoming ? w.noEvents : w.noPastEvents}</p>
          )}
          {props.nextQuery || props.paged ? (
            <nav class="pager" aria-label={w.eventsPagesLabel}>
              {props.paged ? <a href={pageHref(ctx, path, props.pageQuery)}>← {upcoming ? w.backToSoonest : w.backToLatest}</a> : <span />}
              {props.nextQuery ? (
                <a href={pageHref(ctx, path, props.nextQuery)} rel="next">
                  {upcoming ? w.laterEvents : w.earlierEvents} →
                </a>
              ) : null}
            </nav>
          ) : null}
          <EventsSubscribeBox ctx={ctx} links={props.subscribe} />
        </section>
      </div>
    </Layout>
  );
}
