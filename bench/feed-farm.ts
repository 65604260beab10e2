// A local server that plays N platforms, each with a feed of M realistic items, with ETags so a
// second cycle is all 304s. Used by the ingest benchmarks.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const TOPICS = ['housing', 'employment', 'LINC classes', 'mental health', 'childcare', 'rural settlement', 'credential recognition', 'refugee sponsorship'];
const SUJETS = ['logement', 'emploi', 'cours de français', 'santé mentale', 'garde d’enfants', 'immigration francophone', 'reconnaissance des diplômes', 'parrainage de réfugiés'];

const WORDS_EN = (
  'newcomer family families settlement agency agencies program programs service services community communities workshop session sessions ' +
  'volunteer volunteers mentor mentors employer employers housing rental tenant tenants landlord clinic clinics counselling counsellor ' +
  'language class classes literacy school schools youth children parent parents senior seniors women network partners partnership ' +
  'funding grant application deadline report study survey data evaluation research toolkit guide template checklist webinar conference ' +
  'transportation bus licence driving health mental wellness doctor interpreter translation refugee refugees sponsor sponsorship ' +
  'student students permit work job jobs career resume interview skills credential credentials licensing engineer nurse teacher ' +
  'rural town village region province winter summer spring autumn month week weekend evening morning online hybrid registration'
).split(' ');
const WORDS_FR = (
  'nouvel arrivant famille familles établissement organisme organismes programme services communauté atelier séance séances bénévole ' +
  'mentor employeur logement locataire propriétaire clinique counseling conseillère conseiller langue cours alphabétisation école ' +
  'jeunesse enfants parents aînés femmes réseau partenaires partenariat financement subvention demande échéance rapport étude sondage ' +
  'données évaluation recherche trousse guide modèle webinaire colloque transport autobus permis conduire santé mentale mieux-être ' +
  'médecin interprète traduction réfugié réfugiés parrainage étudiant étudiants travail emploi carrière entrevue compétences diplômes ' +
  'reconnaissance ingénieure infirmière enseignant rural village région province hiver été printemps automne mois semaine soirée ligne'
).split(' ');

/** A small deterministic random generator, so two runs serve the same bytes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Words drawn from the vocabulary: every item reads differently, as real items do. */
function phrase(next: () => number, words: string[], count: number): string {
  return Array.from({ length: count }, () => words[Math.floor(next() * words.length)]).join(' ');
}

/** A feed of `items` items; `offset` shifts it on by that many newer items (a feed that moved on). */
export function makeFeed(source: number, items: number, now = Date.UTC(2026, 10, 1), offset = 0): string {
  const fr = source % 3 === 0;
  const entries: string[] = [];
  // Newest first, as feeds list them: item i was posted i hours after item 0.
  for (let i = offset + items - 1; i >= offset; i--) {
    const topic = (fr ? SUJETS : TOPICS)[(source + i) % TOPICS.length];
    const next = random(source * 100_003 + i);
    const words = fr ? WORDS_FR : WORDS_EN;
    const title = fr ? `${topic} : ${phrase(next, words, 6)}` : `${topic}: ${phrase(next, words, 6)}`;
    const body =
      `<p>${phrase(next, words, 22)} <strong>${topic}</strong> ${phrase(next, words, 14)}.</p>` +
      `<p>${phrase(next, words, 18)} <a href="/${fr ? 'inscription' : 'register'}/${i}">${phrase(next, words, 2)}</a> ${phrase(next, words, 16)}.</p>` +
      `<ul><li>${phrase(next, words, 4)}</li><li>${phrase(next, words, 3)}</li><li>${phrase(next, words, 5)}</li></ul><img src="/img/${i}.png" alt="">`;
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
  /**
   * Serve from this many loopback addresses (127.0.0.1, 127.0.0.2, …), feed s on address
   * s mod hosts: the feeds of many publishers on distinct hosts, as a fetcher's per-host limits
   * see them. One (127.0.0.1) by default.
   */
  hosts?: number;
}

export async function startFeedFarm(sources: number, items: number, options: FeedFarmOptions = {}): Promise<FeedFarm> {
  const bodies = Array.from({ length: sources }, (_, s) => Buffer.from(makeFeed(s, items)));
  const etagOf = (b: Buffer) => `"${createHash('sha1').update(b).digest('hex').slice(0, 16)}"`;
  const etags = bodies.map(etagOf);
  const served = Array<number>(sources).fill(0);
  let count = 0;
  const handle: http.RequestListener = (req, res) => {
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
  };
  const hosts = Math.max(1, Math.min(254, Math.floor(options.hosts ?? 1)));
  // One listener per address; each address gets its own port, so none depends on another being free.
  const servers = Array.from({ length: hosts }, () => http.createServer(handle));
  const ports: number[] = [];
  for (const [h, s] of servers.entries()) {
    s.keepAliveTimeout = 30_000;
    await new Promise<void>((r, reject) => s.once('error', reject).listen(0, `127.0.0.${h + 1}`, r));
    ports.push((s.address() as AddressInfo).port);
  }
  return {
    url: (s) => `http://127.0.0.${(s % hosts) + 1}:${ports[s % hosts]}/s/${s}.xml`,
    bodies,
    requests: () => count,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => undefined),
  };
}
