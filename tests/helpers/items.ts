// Builders for test data: a SourceSpec and Items with sensible defaults.
import type { Item, SourceSpec } from '../../src/core/types.ts';

export function spec(slug: string, extra: Partial<SourceSpec> = {}): SourceSpec {
  return {
    slug,
    url: `https://${slug}.example.org/feed.xml`,
    title: `Source ${slug}`,
    organization: `Org ${slug}`,
    region: 'national',
    languages: ['en'],
    topics: [],
    ...extra,
  };
}

export function item(key: string, extra: Partial<Item> = {}): Item {
  return {
    key,
    guid: key,
    url: `https://example.org/${encodeURIComponent(key)}`,
    title: `Title ${key}`,
    contentHtml: `<p>Content ${key}</p>`,
    summary: `Content ${key}`,
    publishedAt: new Date('2024-05-01T12:00:00Z'),
    dateFromFeed: true,
    categories: [],
    language: 'en',
    contentHash: `hash-${key}`,
    topics: [],
    type: 'news',
    regions: ['national'],
    fingerprint: '0',
    alternateUrls: [],
    ...extra,
  };
}
