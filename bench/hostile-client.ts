// The hostile side of the load benchmark, its own process: for `seconds`, four lanes against the
// hub at `base`, each `lanes` requests at once: chunked POST bodies far past the body limits
// (/websub and /api/saved-feeds in turn), a feed query spelled a new way each time, WebSub
// subscriptions whose callbacks (a server in this process) accept and never answer, and saved
// feeds. Prints one JSON line: per lane, requests and statuses.
//   node --import tsx bench/hostile-client.ts '{"base":"http://127.0.0.1:…","seconds":30,"lanes":2}'
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const spec = JSON.parse(process.argv[2]) as { base: string; seconds: number; lanes: number };
const deadline = performance.now() + spec.seconds * 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
type Tally = { requests: number; statuses: Record<string, number> };
const tallies: Record<string, Tally> = {};
const tally = (lane: string, status: number | string) => {
  const t = (tallies[lane] ??= { requests: 0, statuses: {} });
  t.requests++;
  t.statuses[status] = (t.statuses[status] ?? 0) + 1;
};

// Callbacks that accept the connection and never answer.
const held: http.ServerResponse[] = [];
const hang = http.createServer((_req, res) => void held.push(res));
await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
const hangBase = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;

function send(lane: string, method: string, path: string, headers: Record<string, string>, body?: string, chunkedBytes = 0): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(`${spec.base}${path}`, { method, agent: chunkedBytes ? false : agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        tally(lane, res.statusCode ?? 0);
        resolve();
      });
    });
    req.on('error', () => {
      tally(lane, 'reset');
      resolve();
    });
    if (!chunkedBytes) return void req.end(body);
    // A body sent in chunks, with no Content-Length, for as long as the server reads it.
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < chunkedBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    req.once('response', () => (sent = chunkedBytes));
    pump();
  });
}

const words = ['logement', 'housing', 'emploi', 'health', 'santé', 'refugee', 'réfugiés', 'language', 'cours', 'youth'];
let n = 0;
const lanes: Record<string, () => Promise<void>> = {
  'chunked POSTs (50 MiB each)': () =>
    n++ % 2
      ? send('chunked POSTs (50 MiB each)', 'POST', '/websub', { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' }, undefined, 50 * 1024 * 1024)
      : send('chunked POSTs (50 MiB each)', 'POST', '/api/saved-feeds', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, undefined, 50 * 1024 * 1024),
  'distinct query spellings': () => {
    const i = n++;
    const q = `${words[i % words.length]}${i}`;
    const spellings = [`q=${q}`, `lang=en&q=${q}`, `q=${q}&lang=en`, `q=${encodeURIComponent(q.toUpperCase())}`, `q=${q}&limit=${(i % 50) + 1}`];
    return send('distinct query spellings', 'GET', `/feeds/all.rss?${spellings[i % spellings.length]}`, {});
  },
  'WebSub subscriptions, hanging callbacks': () => {
    const i = n++;
    const form = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.topic': `${spec.base}/feeds/all.rss?lang=${i % 2 ? 'en' : 'fr'}`, 'hub.callback': `${hangBase}/cb/${i}` });
    return send('WebSub subscriptions, hanging callbacks', 'POST', '/websub', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
  },
  'saved feeds': () => {
    const i = n++;
    return send('saved feeds', 'POST', '/api/saved-feeds', { 'content-type': 'application/json' }, JSON.stringify({ title: `Flood ${i}`, query: `q=${words[i % words.length]}${i}` }));
  },
};

await Promise.all(
  Object.values(lanes).flatMap((next) =>
    Array.from({ length: spec.lanes }, async () => {
      while (performance.now() < deadline) await next();
    }),
  ),
);
agent.destroy();
for (const res of held) res.socket?.destroy();
hang.closeAllConnections();
hang.close();
console.log(JSON.stringify(tallies));
