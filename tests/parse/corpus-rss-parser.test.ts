// rss-parser's own golden fixtures (/work/shared/corpus/rss-parser, read in place): through our
// wrapper every input yields the items, titles and links rss-parser's golden output records,
// except items with nothing usable, which we drop and count on purpose.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/core/errors.ts';
import { parseFeed } from '../../src/parse/index.ts';

const ROOT = '/work/shared/corpus/rss-parser';
/** ISO-8859-1 feeds (README): decoded here as fetch/ would, where the goldens read them as UTF-8. */
const LATIN_1 = new Set(['uolNoticias', 'encoding']);

type GoldenItem = Record<string, unknown>;
type GoldenFeed = { title?: unknown; link?: unknown; feedUrl?: unknown; items: GoldenItem[] };

const inputs = readdirSync(join(ROOT, 'input')).sort();
const withGolden = inputs.filter((file) => readdirSync(join(ROOT, 'output')).includes(`${stem(file)}.json`));

function stem(file: string): string {
  return file.replace(/\.[^.]+$/, '');
}

function readInput(file: string): string {
  const bytes = readFileSync(join(ROOT, 'input', file));
  return new TextDecoder(LATIN_1.has(stem(file)) ? 'windows-1252' : 'utf-8').decode(bytes);
}

function readGolden(file: string): GoldenFeed {
  // output/encoding.json is itself Latin-1 (README).
  const bytes = readFileSync(join(ROOT, 'output', `${stem(file)}.json`));
  const text = new TextDecoder(stem(file) === 'encoding' ? 'latin1' : 'utf-8').decode(bytes);
  return (JSON.parse(text) as { feed: GoldenFeed }).feed;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Golden text equality; a U+FFFD in the golden (a Latin-1 byte read as UTF-8) matches one character. */
function matchesGolden(actual: string | undefined, golden: string | undefined): boolean {
  if (golden === undefined || !golden.includes('\uFFFD')) return actual === golden;
  const pattern = golden.split('\uFFFD').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.');
  return actual !== undefined && new RegExp(`^${pattern}$`, 's').test(actual);
}

function isUsable(item: GoldenItem): boolean {
  return [item.title, item.link, item.content, item['content:encoded'], item.summary].some((v) => text(v) !== undefined) ||
    typeof item.enclosure === 'object';
}

describe('rss-parser golden corpus', () => {
  it('has the 29 goldens the README lists', () => {
    expect(withGolden).toHaveLength(29);
  });

  it.each(withGolden)('%s', async (file) => {
    const golden = readGolden(file);
    const feed = await parseFeed(readInput(file), { maxItems: 10_000 });
    const usable = golden.items.filter(isUsable);
    expect(feed.items).toHaveLength(usable.length);
    const unusable = golden.items.length - usable.length;
    expect(feed.dropped).toEqual(unusable ? { 'no title, link or content': unusable } : {});
    expect(matchesGolden(feed.title, text(golden.title)), `feed title ${feed.title}`).toBe(true);
    expect(feed.link, 'feed link').toBe(text(golden.link));
    usable.forEach((goldenItem, i) => {
      const item = feed.items[i];
      expect(matchesGolden(item.title, text(goldenItem.title)), `items[${i}].title: ${item.title}`).toBe(true);
      expect(item.link, `items[${i}].link`).toBe(text(goldenItem.link));
    });
  });

  it('decodes the two Latin-1 feeds without a replacement character', async () => {
    for (const file of ['uolNoticias.rss', 'encoding.rss']) {
      const feed = await parseFeed(readInput(file));
      expect(JSON.stringify(feed)).not.toContain('\uFFFD');
      expect(feed.items.length).toBeGreaterThan(0);
    }
    const uol = await parseFeed(readInput('uolNoticias.rss'));
    expect(uol.description).toBe('Últimas Notícias');
    expect(uol.items[0].title).toBe('Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno');
  });

  it('takes the self link by its rel, where rss-parser takes a link by position', async () => {
    // rss-parser's feedUrl is the first atom:link (here the hub) for RSS, and the second link
    // (here rel="next") for Atom when the self link comes later.
    const podcast = await parseFeed(readInput('item-itunes-episodeType.rss'));
    expect(readGolden('item-itunes-episodeType.rss')).toMatchObject({ feedUrl: 'https://pubsubhubbub.appspot.com/' });
    expect(podcast).toMatchObject({ selfUrl: 'https://baywatch-berlin.podigee.io/feed/mp3', hubUrl: 'https://pubsubhubbub.appspot.com/' });
    const blog = await parseFeed(readInput('feedburner.atom'));
    expect(blog.selfUrl).toBe('http://feeds.feedburner.com/blogspot/lQlzL');
  });

  it('rejects unrecognized.rss, an HTML "Document Moved" page', async () => {
    const error = await parseFeed(readInput('unrecognized.rss')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toBe('not a feed (HTML page)');
  });

  it('parses itunes-missing-image.rss, which has no golden', async () => {
    const feed = await parseFeed(readInput('itunes-missing-image.rss'), { maxItems: 10_000 });
    expect(feed.format).toBe('rss2');
    expect(feed.items.length).toBeGreaterThan(100);
  });

});
