// A small HTTP load generator, run as its own process so it does not share the server's event
// loop: `node --import tsx bench/load-client.ts '{"urls":[…],"connections":…,"seconds":…}'`.
// Requests go to the URLs in turn (round-robin; `url` alone is a list of one). Prints one JSON
// line: requests, requests/s, p50/p99 latency (ms), errors (network), serverErrors (5xx), statuses,
// and the same figures per URL.
import http from 'node:http';

interface LoadSpec {
  /** `{iso}` in a URL becomes a distinct timestamp per request (2020-01-01 + n seconds), to defeat caches on purpose. */
  url?: string;
  urls?: string[];
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

interface Tally {
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
}

const spec = JSON.parse(process.argv[2]) as LoadSpec;
const urls = spec.urls ?? (spec.url ? [spec.url] : []);
if (!urls.length) throw new Error('load-client: give "url" or "urls"');
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const tallies = urls.map((): Tally => ({ latencies: [], statuses: {}, errors: 0 }));
let counter = 0;
let turn = 0;
const deadline = performance.now() + spec.seconds * 1000;

function once(): Promise<void> {
  const index = turn++ % urls.length;
  const tally = tallies[index];
  const url = urls[index].replace('{iso}', new Date(Date.UTC(2020, 0, 1) + counter++ * 1000).toISOString());
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers: spec.headers }, (res) => {
      res.resume();
      res.on('end', () => {
        tally.latencies.push(performance.now() - t0);
        tally.statuses[res.statusCode ?? 0] = (tally.statuses[res.statusCode ?? 0] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', () => {
      tally.errors++;
      resolve();
    });
  });
}

async function loop(): Promise<void> {
  while (performance.now() < deadline) await once();
}

const start = performance.now();
await Promise.all(Array.from({ length: spec.connections }, loop));
const elapsed = (performance.now() - start) / 1000;
agent.destroy();

function summarize(list: Tally[]) {
  const latencies = list.flatMap((t) => t.latencies).sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
  const statuses: Record<string, number> = {};
  for (const t of list) for (const [s, n] of Object.entries(t.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
  const serverErrors = Object.entries(statuses).reduce((a, [s, n]) => a + (Number(s) >= 500 ? n : 0), 0);
  return { requests: latencies.length, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99), errors: list.reduce((a, t) => a + t.errors, 0), serverErrors, statuses };
}

const byUrl = urls.length > 1 ? Object.fromEntries(urls.map((u, i) => [u, summarize([tallies[i]])])) : undefined;
console.log(JSON.stringify({ ...summarize(tallies), ...(byUrl ? { byUrl } : {}) }));
