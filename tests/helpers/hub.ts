// Builds pipeline dependencies for tests: real fetch settings with the address guard on and only
// 127.0.0.1 allowed, short timeouts, a quiet logger.
import { silentLogger } from '../../src/core/logger.ts';
import { createHostLimiter } from '../../src/fetch/host-limiter.ts';
import { compileTaxonomy } from '../../src/normalize/topics.ts';
import type { PipelineDeps } from '../../src/pipeline/ingest-source.ts';
import type { Db } from '../../src/store/db.ts';
import { testFetchSettings } from './fetch.ts';

export { testFetchSettings };

export function testPipeline(db: Db, extra: Partial<PipelineDeps> = {}): PipelineDeps {
  const fetch = extra.fetch ?? testFetchSettings();
  return {
    db,
    fetch,
    schedule: { minIntervalMinutes: 15, maxIntervalMinutes: 1440, historyPerSource: 20 },
    limiter: createHostLimiter({ concurrency: fetch.concurrency, hostConcurrency: fetch.hostConcurrency }),
    taxonomy: compileTaxonomy([]),
    logger: silentLogger(),
    ...extra,
  };
}

/** A small RSS 2.0 document; items are [guid, title, description?, pubDate?]. */
export function rss(items: [string, string, string?, string?][], extra = ''): string {
  const body = items
    .map(
      ([guid, title, description = `About ${title}`, date = 'Wed, 01 May 2024 12:00:00 GMT']) =>
        `<item><guid isPermaLink="false">${guid}</guid><title>${title}</title><link>https://platform.example.ca/news/${guid}</link><description>${description}</description><pubDate>${date}</pubDate></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Test platform</title><link>https://platform.example.ca/</link><description>d</description>${extra}\n${body}\n</channel></rss>`;
}
