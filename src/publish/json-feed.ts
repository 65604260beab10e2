// JSON Feed 1.1 view (https://jsonfeed.org/version/1.1). Our own fields live under "_passerelle",
// as the spec asks of extensions; an event's dates and place under "_event".
import type { OutputFeed } from './output-feed.ts';
import { rfc3339 } from './xml.ts';

export function renderJsonFeed(feed: OutputFeed): string {
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homeUrl,
    feed_url: feed.selfUrls.json,
    description: feed.description,
    language: feed.language,
    authors: [{ name: feed.generator.name, url: feed.generator.uri }],
    ...(feed.hubUrl ? { hubs: [{ type: 'WebSub', url: feed.hubUrl }] } : {}),
    items: feed.entries.map((e) => ({
      id: e.id,
      ...(e.url ? { url: e.url } : {}),
      title: e.title,
      content_html: e.contentHtml || undefined,
      content_text: e.contentHtml ? undefined : e.summary || e.title,
      summary: e.summary || undefined,
      date_published: rfc3339(e.published),
      date_modified: rfc3339(e.updated),
      authors: [{ name: e.author ?? e.organization }],
      tags: e.categories.map((c) => c.label),
      language: e.language === 'other' ? undefined : e.language,
      ...(e.enclosure ? { attachments: [{ url: e.enclosure.url, mime_type: e.enclosure.type ?? 'application/octet-stream', ...(e.enclosure.length ? { size_in_bytes: e.enclosure.length } : {}) }] } : {}),
      _passerelle: {
        organization: e.organization,
        source: { title: e.sourceTitle, feed_url: e.sourceFeedUrl, home_page_url: e.sourceSiteUrl },
        topics: e.categories.map((c) => c.term),
        also: e.also,
        ...(e.translation ? { translation: e.translation } : {}),
      },
      ...(e.event
        ? {
            _event: {
              start: e.event.start,
              end: e.event.end ?? null,
              all_day: e.event.allDay,
              timezone: e.event.timezone,
              location: e.event.location ?? null,
              place: e.event.place ?? null,
              online: e.event.online,
              registration_url: e.event.registrationUrl ?? null,
            },
          }
        : {}),
    })),
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
