// Where the feedparser test corpus lives (see its README.md) and how to read its index. The corpus
// is shared data outside this repository; suites that use it run only where it is present.
import fs from 'node:fs';
import path from 'node:path';

export const FEEDPARSER_CORPUS = process.env.FEEDPARSER_CORPUS ?? '/work/shared/corpus/feedparser';
export const hasFeedparserCorpus = fs.existsSync(path.join(FEEDPARSER_CORPUS, 'index.json'));

export interface CorpusEntry {
  path: string;
  description: string;
  expect: string;
  http_headers: Record<string, string> | null;
  served_via_http: boolean;
}

export function readCorpusIndex(): CorpusEntry[] {
  return hasFeedparserCorpus ? JSON.parse(fs.readFileSync(path.join(FEEDPARSER_CORPUS, 'index.json'), 'utf8')) : [];
}

export function readCorpusFile(file: string): Buffer {
  return fs.readFileSync(path.join(FEEDPARSER_CORPUS, file));
}

/** The fake response headers of an HTTP case, names lowercased. */
export function corpusHeaders(entry: CorpusEntry): Record<string, string> {
  return Object.fromEntries(Object.entries(entry.http_headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()]));
}
