// From a query and the items it selected to an OutputFeed: titles and labels in the reader's
// language, stable ids, self links for every format, "also published by" for cross-posts.
import type { Language, Topic } from '../core/types.ts';
import type { ItemView } from '../store/items-query.ts';
import { feedSelfUrl } from './feed-address.ts';
import { canonicalFilter, type FeedQuery } from './feed-query.ts';
import type { StoredEvent } from '../store/stored-event.ts';
import { eventLocation } from './build-calendar.ts';
import type { OutputEntry, OutputEvent, OutputFeed, OutputFormat } from './output-feed.ts';
import { escapeHtmlText } from './xml.ts';
import { describeQuery, t } from './wording.ts';

export interface FeedContext {
  publicUrl: string;
  version: string;
  topics: Topic[];
  /** Where this feed lives, without extension: "/feeds/all", "/topics/housing", "/f/abc123". */
  path: string;
  /** The query string that belongs in self links (empty for friendly and saved-feed paths). */
  selfQuery: string;
  /** A title chosen by whoever saved the feed. */
  title?: string;
  /** The language this address renders in without ?ui= (a saved feed's own; else English). */
  defaultUi?: Language;
}

/** The date in our tag URIs (RFC 4151 §2.1): the hub names its feeds and items from then on. */
const TAGGING_YEAR = 2026;

/**
 * Atom requires a feed-level updated (RFC 4287 §4.1.1) even when no entry says when: an empty feed
 * gives the tagging date, a fixed instant (so its bytes and ETag only change with its items) that
 * validators and readers take as a real date, where 1970 reads as a bug.
 */
const EMPTY_FEED_UPDATED = new Date(Date.UTC(TAGGING_YEAR, 0, 1));

/** A tag URI authority that stays put when PUBLIC_URL changes scheme or port. */
function authority(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

export function itemTagUri(publicUrl: string, id: number): string {
  return `tag:${authority(publicUrl)},${TAGGING_YEAR}:item:${id}`;
}

export function buildOutputFeed(query: FeedQuery, rows: ItemView[], ctx: FeedContext): OutputFeed {
  const ui: Language = query.ui;
  const labels = new Map(ctx.topics.map((topic) => [topic.slug, topic.label[ui]]));
  const self = (format: OutputFormat) => feedSelfUrl(ctx.publicUrl, ctx.path, format, ctx.selfQuery, ui, ctx.defaultUi);
  const filter = canonicalFilter(query);
  const description = describeQuery(query, ui, labels);
  const updated = rows.reduce((max, r) => (r.updatedAt > max ? r.updatedAt : max), new Date(0));
  return {
    id: `tag:${authority(ctx.publicUrl)},${TAGGING_YEAR}:feed:${ctx.path}${ctx.selfQuery ? `?${ctx.selfQuery}` : ''}`,
    title: ctx.title ?? `Passerelle — ${description}`,
    description: `${t(ui, 'feedDescription')} ${description}.`,
    language: ui,
    selfUrls: { rss: self('rss'), atom: self('atom'), json: self('json') },
    homeUrl: `${ctx.publicUrl}/${ui}/${filter ? `?${filter}` : ''}`,
    hubUrl: `${ctx.publicUrl}/websub`,
    updated: rows.length ? updated : EMPTY_FEED_UPDATED,
    generator: { name: 'Passerelle', version: ctx.version, uri: `${ctx.publicUrl}/` },
    entries: rows.map((r) => toEntry(r, ctx, ui, labels)),
  };
}

/**
 * When the entry last changed in a way a reader would care about (RFC 4287 §4.2.15): the feed's
 * own modification date, or the time we saw it edited, else its publication date.
 */
function entryUpdated(r: ItemView): Date {
  const editedHere = r.updatedAt.getTime() - r.firstSeenAt.getTime() > 1000 ? r.updatedAt : undefined;
  const candidates = [r.publishedAt, r.modifiedAt ?? undefined, editedHere].filter((d): d is Date => !!d);
  return new Date(Math.max(...candidates.map((d) => d.getTime())));
}

function toEntry(r: ItemView, ctx: FeedContext, ui: Language, labels: Map<string, string>): OutputEntry {
  let contentHtml = r.contentHtml;
  if (r.also.length) {
    // Content is sanitized HTML; what we add is escaped text and http(s) links only.
    const links = r.also.map((a) => (a.url ? `<a href="${escapeHtmlText(a.url).replace(/"/g, '&quot;')}">${escapeHtmlText(a.organization)}</a>` : escapeHtmlText(a.organization)));
    contentHtml += `<p>${escapeHtmlText(t(ui, 'alsoPublishedBy'))} ${links.join(', ')}</p>`;
  }
  return {
    id: itemTagUri(ctx.publicUrl, r.id),
    url: r.url ?? undefined,
    title: r.title,
    contentHtml,
    summary: r.summary,
    published: r.publishedAt,
    updated: entryUpdated(r),
    language: r.language,
    author: r.author ?? undefined,
    organization: r.source.organization,
    sourceTitle: r.source.title,
    sourceFeedUrl: r.source.url,
    sourceSiteUrl: r.source.siteUrl ?? undefined,
    categories: r.topics.map((slug) => ({ term: slug, label: labels.get(slug) ?? slug, scheme: `${ctx.publicUrl}/topics/` })),
    also: r.also.map((a) => ({ organization: a.organization, url: a.url ?? undefined })),
    translation: r.translation?.url ? { url: r.translation.url, language: r.translation.language } : undefined,
    enclosure: r.enclosure ?? undefined,
    event: r.event ? outputEvent(r.event, ui) : undefined,
  };
}

function outputEvent(e: StoredEvent, ui: Language): OutputEvent {
  return {
    start: e.start,
    end: e.end,
    allDay: e.allDay,
    timezone: e.timezone,
    location: eventLocation(e, ui),
    place: e.place,
    online: e.online,
    registrationUrl: e.registrationUrl,
  };
}
