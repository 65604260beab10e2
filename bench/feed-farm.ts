// A local server that plays N platforms, each with a feed of M realistic items, with ETags so a
// second cycle is all 304s. Used by the ingest benchmarks.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const TOPICS = ['housing', 'employment', 'LINC classes', 'mental health', 'childcare', 'rural settlement', 'credential recognition', 'refugee sponsorship'];
const SUJETS = ['logement', 'emploi', 'cours de français', 'santé mentale', 'garde d’enfants', 'immigration francophone', 'reconnaissance des diplômes', 'parrainage de réfugiés'];

/** A feed of `items` items; `offset` shifts it on by that many newer items (a feed that moved on). */
export function makeFeed(source: number, items: number, now = Date.UTC(2026, 10, 1), offset = 0): string {
  const fr = source % 3 === 0;
  const entries: string[] = [];
  // Newest first, as feeds list them: item i was posted i hours after item 0.
  for (let i = offset + items - 1; i >= offset; i--) {
    const topic = (fr ? SUJETS : TOPICS)[(source + i) % TOPICS.length];
    const title = fr ? `Nouvelle ressource sur le ${topic} pour les nouveaux arrivants (${source}-${i})` : `New resource on ${topic} for newcomers (${source}-${i})`;
    const body = fr
      ? `<p>Le centre d’accueil publie une trousse sur le <strong>${topic}</strong> destinée au personnel des organismes en région.</p><p>Inscription au <a href="/inscription/${i}">webinaire</a> du mois prochain. Séances en français et en anglais.</p><ul><li>Guide pratique</li><li>Modèles</li><li>Foire aux questions</li></ul><img src="/img/${i}.png" alt="">`
      : `<p>The centre has published a toolkit on <strong>${topic}</strong> for staff of service-provider organizations in small centres.</p><p>Register for next month’s <a href="/register/${i}">webinar</a>. Sessions in English and French.</p><ul><li>Practical guide</li><li>Templates</li><li>Frequently asked questions</li></ul><img src="/img/${i}.png" alt="">`;
    const date = new Date(now - (source * 7 + items - i) * 3_600_000).toUTCString();
    entries.push(
      `<item><title>${title}</title><link>https://platform${source}.example.ca/news/${i}</link><guid isPermaLink="false">p${source}-i${i}</guid><pubDate>${date}</pubDate><dc:creator>Staff ${i % 5}</dc:creator><category>${topic}</category><description><![CDATA[${body.slice(0, 160)}]]></description><content:encoded><![CDATA[${body.repeat(3)}]]></content:encoded></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Platform ${source}</title><link>https://platform${source}.example.ca/</link><description>Bench platform</description><language>${fr ? 'fr-CA' : 'en-CA'}</language>
${entries.join('\n')}
</channel></rss>`;
}

export interface FeedFarm {
  url(source: number): string;
  bodies: Buffer[];
  requests(): number;
  close(): Promise<void>;
}

export interface FeedFarmOptions {
  /** Every response after the first carries `rotate` new items (the oldest drop off): ingests keep writing. */
  rotate?: number;
}

export async function startFeedFarm(sources: number, items: number, options: FeedFarmOptions = {}): Promise<FeedFarm> {
  const bodies = Array.from({ length: sources }, (_, s) => Buffer.from(makeFeed(s, items)));
  const etagOf = (b: Buffer) => `"${createHash('sha1').update(b).digest('hex').slice(0, 16)}"`;
  const etags = bodies.map(etagOf);
  const served = Array<number>(sources).fill(0);
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    const m = /^\/s\/(\d+)\.xml$/.exec(req.url ?? '');
    const i = m ? Number(m[1]) : -1;
    if (!bodies[i]) return res.writeHead(404).end();
    if (options.rotate && served[i]++ > 0) {
      bodies[i] = Buffer.from(makeFeed(i, items, undefined, served[i] * options.rotate));
      etags[i] = etagOf(bodies[i]);
    }
    if (req.headers['if-none-match'] === etags[i]) return res.writeHead(304, { etag: etags[i] }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: etags[i], 'content-length': bodies[i].length }).end(bodies[i]);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: (s) => `http://127.0.0.1:${port}/s/${s}.xml`,
    bodies,
    requests: () => count,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
