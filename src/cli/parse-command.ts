// `passerelle parse FILE`: what the parser and the normalizer make of one feed file. A debugging
// tool, and a readable spec of both stages.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ParseError } from '../core/errors.ts';
import { decodeFeedBytes } from '../fetch/charset.ts';
import { loadConfig } from '../core/config.ts';
import { normalizeItem } from '../normalize/normalize-item.ts';
import { compileTaxonomy } from '../normalize/topics.ts';
import { loadFeedsFile } from '../sources/feeds-file.ts';
import { parseFeed } from '../parse/parse-feed.ts';
import type { Io } from './io.ts';

/** The taxonomy of FEEDS_FILE when it loads, so the output shows topics; none otherwise. */
async function loadTaxonomy(env: NodeJS.ProcessEnv) {
  try {
    return compileTaxonomy((await loadFeedsFile(loadConfig(env).feedsFile)).topics);
  } catch {
    return compileTaxonomy([]);
  }
}

export async function runParse(file: string, url: string | undefined, io: Io): Promise<number> {
  const bytes = await readFile(file);
  const decoded = decodeFeedBytes(bytes, file.endsWith('.json') ? 'application/json' : undefined);
  if (!decoded.ok) {
    io.err(`${file}: ${decoded.error}`);
    return 1;
  }
  const base = url ?? pathToFileURL(path.resolve(file)).toString();
  try {
    const feed = await parseFeed(decoded.text, { url: url, contentType: file.endsWith('.json') ? 'application/json' : undefined });
    const now = new Date();
    const taxonomy = await loadTaxonomy(io.env);
    const items = feed.items.map((p) =>
      normalizeItem(p, {
        now,
        fetchUrl: base,
        feed: { link: feed.link, baseUrl: feed.baseUrl, language: feed.language },
        source: { languages: [], region: 'national', topics: [] },
        taxonomy,
      }),
    );
    io.out(
      JSON.stringify(
        {
          encoding: decoded.encoding,
          format: feed.format,
          title: feed.title,
          link: feed.link,
          language: feed.language,
          warnings: [...decoded.warnings, ...feed.warnings],
          dropped: feed.dropped,
          items,
        },
        null,
        2,
      ),
    );
    return 0;
  } catch (err) {
    if (err instanceof ParseError) {
      io.err(`${file}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
