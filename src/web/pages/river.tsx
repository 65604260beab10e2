/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The river: the newest items for a filter, one per story, with the search box and the filter
// panel (plain GET forms, so they work with scripts off; the panel folds away on small screens),
// the active filters as removable chips above the results, paging both ways with the position, and
// the box to subscribe to, save or embed exactly this selection.
import { compareText, formatDayAndDate, formatShortDate } from '../../core/locale.ts';
import { ITEM_TYPES, PROVINCES, REGIONS, type ItemLanguage, type Language } from '../../core/types.ts';
import { LANGUAGE_LABELS, PROVINCE_LABELS, READ_IN, REGION_LABELS, TYPE_LABELS, TYPE_SINGULAR } from '../../core/words.ts';
import { truncateText } from '../../normalize/text.ts';
import type { HubStanding } from '../../pipeline/hub-standing.ts';
import type { FeedQuery } from '../../publish/feed-query.ts';
import type { ItemRef, ItemView } from '../../store/items-query.ts';
import type { SourceView } from '../source-views.ts';
import { EmailDigestForm, type EmailFormLinks } from './digest-pages.tsx';
import { CalendarLink } from './calendar-link.tsx';
import { EventLine } from './event-parts.tsx';
import { HubEmpty, isHubEmpty } from './hub-empty.tsx';
import { foreignLang, Layout, pageHref, type FeedLink, type PageContext } from './layout.tsx';

/** Links and snippets of the subscribe box, made by the route from the current filter. */
export interface SubscribeLinks {
  rss: string;
  atom: string;
  json: string;
  opml: string;
  embedUrl: string;
  iframe: string;
  /** The host page's one line that lets the iframe set its own height. */
  resize: string;
  script: string;
  /** The email digest form, when the hub sends mail. */
  email?: EmailFormLinks;
  /** The same selection's events as a calendar subscription. */
  calendar?: string;
  /** Where "Save this selection" posts, and the canonical filter it saves. */
  save: { action: string; query: string; title: string };
}

/** Where the pager leads: the newer page (query '' is the newest) and the older one, and this page's place. */
export interface Paging {
  newerQuery?: string;
  olderQuery?: string;
  /** Items shown before this page, when known. */
  seen?: number;
}

export interface RiverProps {
  ctx: PageContext;
  query: FeedQuery;
  heading: string;
  items: ItemView[];
  sources: Pick<SourceView, 'slug' | 'title'>[];
  /** Query string of this page without the cursor (filter, sort, limit). */
  pageQuery: string;
  paging: Paging;
  subscribe: SubscribeLinks;
  feeds: FeedLink[];
  /** The same page in the other language. */
  switchHref: string;
  /** "Only items in my language": whether it is on, and the link that turns it on or off. */
  onlyMine?: { on: boolean; href: string };
  /** Where the hub stands: an empty river explains a hub with no items yet. */
  standing?: HubStanding;
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
        {item.source.organization} ·{' '}
        <time datetime={item.publishedAt.toISOString()}>
          {formatDayAndDate(item.publishedAt, ctx.now, ui)}
        </time>{' '}
        · {meta}
        {item.translation ? <TwinLink ctx={ctx} twin={item.translation} /> : null}
      </p>
      {item.event ? <EventLine ctx={ctx} event={item.event} /> : null}
      {item.summary ? (
        <p lang={lang}>
          {truncateText(item.summary, SUMMARY_CHARS)}
        </p>
      ) : null}
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

/** The same item in the other official language, in the words of that language. */
export function TwinLink(props: { ctx: PageContext; twin: ItemRef }) {
  const { ctx, twin } = props;
  if (twin.language !== 'en' && twin.language !== 'fr') return null;
  return (
    <>
      {' · '}
      <a href={pageHref(ctx, `items/${twin.id}`)} lang={foreignLang(ctx, twin.language)} hreflang={twin.language}>
        {READ_IN[twin.language]}
      </a>
    </>
  );
}

/** One dimension of the filter, folded: what is chosen shows as chips above the results. */
export function CheckGroup(props: { name: string; legend: string; options: [string, string][]; chosen: string[] | undefined; open?: boolean }) {
  const chosen = new Set(props.chosen ?? []);
  return (
    <details open={props.open}>
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

/** Regions as checkboxes and provinces as a list, folded under one summary with their count. */
export function PlaceGroup(props: { ctx: PageContext; query: Pick<FeedQuery, 'regions' | 'provinces'>; open?: boolean }) {
  const { ctx, query } = props;
  const { w, ui } = ctx;
  const places = (query.regions?.length ?? 0) + (query.provinces?.length ?? 0);
  return (
    <details open={props.open}>
      <summary>
        {w.region}
        {places ? <span class="count"> ({places})</span> : null}
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
  );
}

/** The sources as one list, folded, with how many are chosen. */
export function SourceGroup(props: { ctx: PageContext; query: Pick<FeedQuery, 'sources'>; sources: [string, string][]; open?: boolean }) {
  const { ctx, query } = props;
  const { w, ui } = ctx;
  return (
    <details open={props.open}>
      <summary>
        {w.source}
        {query.sources?.length ? <span class="count"> ({query.sources.length})</span> : null}
      </summary>
      <Select id="f-source" name="source" label={w.source} any={w.anySource} options={[...props.sources].sort(byLabel(ui))} chosen={query.sources} />
    </details>
  );
}

/** How many values the panel has chosen, for its folded summary. */
function chosenCount(query: FeedQuery): number {
  return [query.topics, query.regions, query.provinces, query.languages, query.types, query.sources].reduce((n, v) => n + (v?.length ?? 0), 0);
}

function FilterPanel(props: RiverProps) {
  const { ctx, query } = props;
  const { w, ui } = ctx;
  const kept: [string, string][] = [];
  if (query.q) kept.push(['q', query.q]);
  if (query.q && query.order === 'date') kept.push(['sort', 'date']);
  for (const [name, value] of new URLSearchParams(props.pageQuery)) if (['since', 'clusters', 'limit'].includes(name)) kept.push([name, value]);
  const chosen = chosenCount(query);
  const topics = [...ctx.topicLabels.entries()].sort(byLabel(ui));
  const sources: [string, string][] = props.sources.map((s) => [s.slug, s.title]);
  // Folded on small screens, where the results come first; on wide ones the stylesheet shows its
  // contents beside the results without the summary, so no script is needed either way.
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
        <form method="get" action={pageHref(ctx)}>
          <Hidden entries={kept} />
          <CheckGroup name="topic" legend={w.topic} options={topics} chosen={query.topics} />
          <PlaceGroup ctx={ctx} query={query} />
          <CheckGroup name="lang" legend={w.language} options={(['en', 'fr', 'other'] as const).map((l) => [l, LANGUAGE_LABELS[l][ui]])} chosen={query.languages} />
          <CheckGroup name="type" legend={w.type} options={ITEM_TYPES.map((t) => [t, TYPE_LABELS[t][ui]])} chosen={query.types} />
          <SourceGroup ctx={ctx} query={query} sources={sources} />
          <p class="actions">
            <button type="submit">{w.apply}</button>
            {chosen || query.q ? <a href={pageHref(ctx)}>{w.clear}</a> : null}
          </p>
        </form>
      </details>
    </section>
  );
}

/** The page's query without one value of a list parameter (or without the whole parameter). */
function without(pageQuery: string, name: string, value?: string): string {
  const params = new URLSearchParams(pageQuery);
  const rest = value === undefined ? [] : (params.get(name) ?? '').split(',').filter((v) => v && v !== value);
  if (rest.length) params.set(name, rest.join(','));
  else params.delete(name);
  if (name === 'q') params.delete('sort');
  return params.toString();
}

/** The active filters as a short line of chips, each a link to the same selection without it. */
function ActiveFilters(props: RiverProps) {
  const { ctx, query, pageQuery } = props;
  const { w, ui } = ctx;
  const titles = new Map(props.sources.map((s) => [s.slug, s.title]));
  const chips: [string, string][] = [];
  const add = (name: string, values: readonly string[] | undefined, label: (v: string) => string) => {
    for (const v of values ?? []) chips.push([label(v), without(pageQuery, name, v)]);
  };
  add('topic', query.topics, (v) => ctx.topicLabels.get(v) ?? v);
  add('region', query.regions, (v) => REGION_LABELS[v as keyof typeof REGION_LABELS][ui]);
  add('province', query.provinces, (v) => PROVINCE_LABELS[v as keyof typeof PROVINCE_LABELS][ui]);
  add('lang', query.languages, (v) => LANGUAGE_LABELS[v as ItemLanguage][ui]);
  add('type', query.types, (v) => TYPE_LABELS[v as keyof typeof TYPE_LABELS][ui]);
  add('source', query.sources, (v) => titles.get(v) ?? v);
  if (query.q) chips.push([w.searchChip(query.q), without(pageQuery, 'q')]);
  if (query.since) chips.push([w.sinceChip(formatShortDate(query.since, ctx.now, ui)), without(pageQuery, 'since')]);
  if (!chips.length) return null;
  return (
    <ul class="chips" aria-label={w.activeFilters}>
      {chips.map(([label, query]) => (
        <li>
          <a href={pageHref(ctx, '', query)}>
            <span class="vh">{`${w.removeFilter}${w.colon} `}</span>
            {label}
            <span aria-hidden="true"> ×</span>
          </a>
        </li>
      ))}
      {chips.length > 1 ? (
        <li>
          <a class="clear" href={pageHref(ctx)}>
            {w.clearAll}
          </a>
        </li>
      ) : null}
    </ul>
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

/** A short, stable address for this selection: a plain form that saves it as a saved feed. */
function SaveSelection(props: { ctx: PageContext; save: SubscribeLinks['save'] }) {
  const { ctx, save } = props;
  const { w } = ctx;
  return (
    <form class="save" method="post" action={save.action}>
      <h3 id="save-h">{w.saveHeading}</h3>
      <p id="save-intro">{w.saveIntro}</p>
      <input type="hidden" name="query" value={save.query} />
      <label for="save-title">{w.saveTitle}</label>
      <span class="save-row">
        <input type="text" id="save-title" name="title" value={save.title} required maxlength={200} aria-describedby="save-intro" />
        <button type="submit">{w.saveButton}</button>
      </span>
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
      <SaveSelection ctx={ctx} save={links.save} />
      <h3>{w.embedHeading}</h3>
      <p>{w.embedIntro}</p>
      <label for="embed-iframe">{w.embedIframe}</label>
      <textarea id="embed-iframe" readonly rows={3}>
        {links.iframe}
      </textarea>
      <label for="embed-url">{w.embedUrl}</label>
      <input type="text" id="embed-url" class="copy" readonly value={links.embedUrl} />
      <label for="embed-resize">{w.embedResize}</label>
      <textarea id="embed-resize" readonly rows={3}>
        {links.resize}
      </textarea>
      <label for="embed-script">{w.embedScript}</label>
      <textarea id="embed-script" readonly rows={4}>
        {links.script}
      </textarea>
      <p>
        <a href={links.embedUrl}>{w.embedPreview}</a>
      </p>
    </section>
  );
}

function Pager(props: RiverProps & { shown: number }) {
  const { ctx, paging } = props;
  const { w } = ctx;
  const { newerQuery, olderQuery, seen } = paging;
  if (newerQuery === undefined && olderQuery === undefined) return null;
  return (
    <nav class="pager" aria-label={w.pagesLabel}>
      {newerQuery !== undefined ? (
        <a href={pageHref(ctx, '', newerQuery)} rel="prev">
          ← {seen === undefined ? w.newest : w.newer}
        </a>
      ) : (
        <span />
      )}
      {seen !== undefined && props.shown ? <span class="position">{w.position(seen + 1, seen + props.shown)}</span> : null}
      {olderQuery !== undefined ? (
        <a href={pageHref(ctx, '', olderQuery)} rel="next">
          {w.older} →
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

export function RiverPage(props: RiverProps) {
  const { ctx, items, paging } = props;
  const { w } = ctx;
  return (
    <Layout ctx={ctx} title={`${props.heading} — Passerelle`} switchHref={props.switchHref} current="river" feeds={props.feeds} description={w.tagline}>
      <h1>{props.heading}</h1>
      <p class="lede">
        <span class="lede-text">{w.tagline} · </span>
        <a href="#subscribe">{w.subscribeShort}</a>
        {props.onlyMine ? (
          <>
            {' · '}
            <a href={props.onlyMine.href} rel="nofollow">
              {props.onlyMine.on ? w.everyLanguage : w.onlyMine}
            </a>
          </>
        ) : null}
      </p>
      <SearchForm {...props} />
      <div class="river">
        <FilterPanel {...props} />
        <section class="results" aria-labelledby="items-h">
          <h2 id="items-h" class="vh">
            {w.itemsHeading}
          </h2>
          <ActiveFilters {...props} />
          {paging.seen && items.length ? (
            <p class="position-top">
              {w.position(paging.seen + 1, paging.seen + items.length)}
              {paging.newerQuery !== undefined ? (
                <>
                  {' · '}
                  <a href={pageHref(ctx, '', paging.newerQuery)}>← {w.newer}</a>
                </>
              ) : null}
            </p>
          ) : null}
          {items.length ? (
            <ol class="items">
              {items.map((item) => (
                <ItemCard ctx={ctx} item={item} />
              ))}
            </ol>
          ) : isHubEmpty(props.standing) ? (
            <HubEmpty ctx={ctx} standing={props.standing} />
          ) : (
            <p>{w.noItems}</p>
          )}
          <Pager {...props} shown={items.length} />
          <SubscribeBox ctx={ctx} links={props.subscribe} />
        </section>
      </div>
    </Layout>
  );
}
