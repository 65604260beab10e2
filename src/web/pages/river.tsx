/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The river: the newest items for a filter, one per story, with the filter panel and the search
// box (plain GET forms, so they work with scripts off), paging, and the box to subscribe to or
// embed exactly this selection.
import { compareText, formatDay } from '../../core/locale.ts';
import { ITEM_TYPES, PROVINCES, REGIONS, type ItemLanguage, type Language } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, REGION_LABELS, TYPE_LABELS, TYPE_SINGULAR } from '../../core/words.ts';
import { truncateText } from '../../normalize/text.ts';
import type { FeedQuery } from '../../publish/feed-query.ts';
import type { ItemView } from '../../store/items-query.ts';
import type { SourceView } from '../source-views.ts';
import { EmailDigestForm, type EmailFormLinks } from './digest-pages.tsx';
import { CalendarLink } from './calendar-link.tsx';
import { EventLine } from './event-parts.tsx';
import { foreignLang, Layout, pageHref, type FeedLink, type PageContext } from './layout.tsx';

/** Links and snippets of the subscribe box, made by the route from the current filter. */
export interface SubscribeLinks {
  rss: string;
  atom: string;
  json: string;
  opml: string;
  embedUrl: string;
  iframe: string;
  script: string;
  /** The email digest form, when the hub sends mail. */
  email?: EmailFormLinks;
  /** The same selection's events as a calendar subscription. */
  calendar?: string;
}

export interface RiverProps {
  ctx: PageContext;
  query: FeedQuery;
  heading: string;
  items: ItemView[];
  sources: Pick<SourceView, 'slug' | 'title'>[];
  /** Query string of this page without the cursor (filter, sort, limit). */
  pageQuery: string;
  nextQuery?: string;
  /** This is a later page: offer the way back to the newest. */
  paged: boolean;
  subscribe: SubscribeLinks;
  feeds: FeedLink[];
  /** The same page in the other language. */
  switchHref: string;
}

const SUMMARY_CHARS = 240;

export function Hidden(props: { entries: [string, string][] }) {
  return (
    <>
      {props.entries.map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

function ItemCard(props: { ctx: PageContext; item: ItemView }) {
  const { ctx, item } = props;
  const { ui, w } = ctx;
  const lang = foreignLang(ctx, item.language);
  const languageLabel = LANGUAGE_LABELS[item.language as ItemLanguage]?.[ui];
  const typeLabel = TYPE_SINGULAR[item.type as keyof typeof TYPE_SINGULAR]?.[ui];
  const meta = [languageLabel, typeLabel].filter(Boolean).join(' · ');
  const others = [...new Set(item.also.map((a) => a.organization).filter((o) => o !== item.source.organization))];
  return (
    <li>
      <h3 lang={lang}>
        <a href={pageHref(ctx, `items/${item.id}`)}>{item.title}</a>
      </h3>
      <p class="meta">
        {item.source.organization} · <time datetime={item.publishedAt.toISOString()}>{formatDay(item.publishedAt, ctx.now, ui)}</time> · {meta}
      </p>
      {item.event ? <EventLine ctx={ctx} event={item.event} /> : null}
      {item.summary ? <p lang={lang}>{truncateText(item.summary, SUMMARY_CHARS)}</p> : null}
      {item.topics.length ? (
        <p class="tags">
          {item.topics.map((slug) => (
            <a href={pageHref(ctx, '', `topic=${slug}`)}>{ctx.topicLabels.get(slug) ?? slug}</a>
          ))}
        </p>
      ) : null}
      {others.length ? (
        <p class="also">
          {w.alsoBy}
          {w.colon} {others.join(', ')}
        </p>
      ) : null}
    </li>
  );
}

export function CheckGroup(props: { name: string; legend: string; options: [string, string][]; chosen: string[] | undefined; open?: boolean; lang?: Language }) {
  const chosen = new Set(props.chosen ?? []);
  return (
    <details open={chosen.size > 0 || props.open}>
      <summary>
        {props.legend}
        {chosen.size ? <span class="count"> ({chosen.size})</span> : null}
      </summary>
      <fieldset>
        <legend class="vh">{props.legend}</legend>
        {props.options.map(([value, label]) => (
          <label>
            <input type="checkbox" name={props.name} value={value} checked={chosen.has(value)} />
            {label}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

export function Select(props: { id: string; name: string; label: string; any: string; options: [string, string][]; chosen: string[] | undefined }) {
  const chosen = new Set(props.chosen ?? []);
  return (
    <p>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} multiple={chosen.size > 1} size={chosen.size > 1 ? 5 : undefined}>
        <option value="">{props.any}</option>
        {props.options.map(([value, label]) => (
          <option value={value} selected={chosen.has(value)}>
            {label}
          </option>
        ))}
      </select>
    </p>
  );
}

export function byLabel(ui: Language) {
  const compare = compareText(ui);
  return (a: [string, string], b: [string, string]) => compare(a[1], b[1]);
}

function FilterPanel(props: RiverProps) {
  const { ctx, query } = props;
  const { w, ui } = ctx;
  const kept: [string, string][] = [];
  if (query.q) kept.push(['q', query.q]);
  if (query.q && query.order === 'date') kept.push(['sort', 'date']);
  for (const [name, value] of new URLSearchParams(props.pageQuery)) if (['since', 'clusters', 'limit'].includes(name)) kept.push([name, value]);
  const active = [query.topics, query.regions, query.provinces, query.languages, query.types, query.sources].some((v) => v?.length);
  const topics = [...ctx.topicLabels.entries()].sort(byLabel(ui));
  const sources: [string, string][] = props.sources.map((s) => [s.slug, s.title]);
  return (
    <section class="filters" aria-labelledby="filters-h">
      <h2 id="filters-h">{w.filtersHeading}</h2>
      <form method="get" action={pageHref(ctx)}>
        <Hidden entries={kept} />
        <CheckGroup name="topic" legend={w.topic} options={topics} chosen={query.topics} />
        <details open={Boolean(query.regions?.length || query.provinces?.length)}>
          <summary>
            {w.region}
            {query.regions?.length || query.provinces?.length ? <span class="count"> ({(query.regions?.length ?? 0) + (query.provinces?.length ?? 0)})</span> : null}
          </summary>
          <fieldset>
            <legend class="vh">{w.region}</legend>
            {REGIONS.map((r) => (
              <label>
                <input type="checkbox" name="region" value={r} checked={query.regions?.includes(r) ?? false} />
                {REGION_LABELS[r][ui]}
              </label>
            ))}
          </fieldset>
          <Select id="f-province" name="province" label={w.province} any={w.anyProvince} options={PROVINCES.map((p) => [p, PROVINCE_LABELS[p][ui]] as [string, string]).sort(byLabel(ui))} chosen={query.provinces} />
        </details>
        <CheckGroup name="lang" legend={w.language} options={(['en', 'fr', 'other'] as const).map((l) => [l, LANGUAGE_LABELS[l][ui]])} chosen={query.languages} />
        <CheckGroup name="type" legend={w.type} options={ITEM_TYPES.map((t) => [t, TYPE_LABELS[t][ui]])} chosen={query.types} />
        <details open={Boolean(query.sources?.length)}>
          <summary>
            {w.source}
            {query.sources?.length ? <span class="count"> ({query.sources.length})</span> : null}
          </summary>
          <Select id="f-source" name="source" label={w.source} any={w.anySource} options={sources.sort(byLabel(ui))} chosen={query.sources} />
        </details>
        <p class="actions">
          <button type="submit">{w.apply}</button>
          {active || query.q ? <a href={pageHref(ctx)}>{w.clear}</a> : null}
        </p>
      </form>
    </section>
  );
}

function SearchForm(props: RiverProps) {
  const { ctx, query } = props;
  const { w } = ctx;
  const kept = [...new URLSearchParams(props.pageQuery)].filter(([name]) => !['q', 'sort'].includes(name));
  return (
    <form class="search" role="search" method="get" action={pageHref(ctx)}>
      <label for="q">{w.searchLabel}</label>
      <input type="search" id="q" name="q" value={query.q ?? ''} maxlength={200} />
      <Hidden entries={kept} />
      <button type="submit">{w.searchButton}</button>
    </form>
  );
}

function SubscribeBox(props: { ctx: PageContext; links: SubscribeLinks }) {
  const { ctx, links } = props;
  const { w } = ctx;
  return (
    <section id="subscribe" class="box" aria-labelledby="subscribe-h">
      <h2 id="subscribe-h">{w.subscribeHeading}</h2>
      {links.email ? <EmailDigestForm ctx={ctx} form={links.email} /> : null}
      <p>{w.subscribeIntro}</p>
      <ul class="feeds">
        <li>
          <b>{w.feedRss}</b> <a href={links.rss}>{links.rss}</a>
        </li>
        <li>
          <b>{w.feedAtom}</b> <a href={links.atom}>{links.atom}</a>
        </li>
        <li>
          <b>{w.feedJson}</b> <a href={links.json}>{links.json}</a>
        </li>
        {links.calendar ? <CalendarLink ctx={ctx} href={links.calendar} /> : null}
        <li>
          <a href={links.opml}>{w.opml}</a>
        </li>
      </ul>
      <h3>{w.embedHeading}</h3>
      <p>{w.embedIntro}</p>
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

export function RiverPage(props: RiverProps) {
  const { ctx, items } = props;
  const { w } = ctx;
  return (
    <Layout ctx={ctx} title={`${props.heading} — Passerelle`} switchHref={props.switchHref} current="river" feeds={props.feeds} description={w.tagline}>
      <h1>{props.heading}</h1>
      <p class="lede">
        {w.tagline} · <a href="#subscribe">{w.subscribeShort}</a>
      </p>
      <SearchForm {...props} />
      <div class="river">
        <FilterPanel {...props} />
        <section aria-labelledby="items-h">
          <h2 id="items-h" class="vh">
            {w.itemsHeading}
          </h2>
          {items.length ? (
            <ol class="items">
              {items.map((item) => (
                <ItemCard ctx={ctx} item={item} />
              ))}
            </ol>
          ) : (
            <p>{w.noItems}</p>
          )}
          {props.nextQuery || props.paged ? (
            <nav class="pager" aria-label={w.pagesLabel}>
              {props.paged ? <a href={pageHref(ctx, '', props.pageQuery)}>← {w.newest}</a> : <span />}
              {props.nextQuery ? (
                <a href={pageHref(ctx, '', props.nextQuery)} rel="next">
                  {w.older} →
                </a>
              ) : null}
            </nav>
          ) : null}
          <SubscribeBox ctx={ctx} links={props.subscribe} />
        </section>
      </div>
    </Layout>
  );
}
