// A small HTTP load generator, run as its own process so it does not share the server's event
// loop: `node --import tsx bench/load-client.ts '{"url":…,"connections":…,"seconds":…}'`.
// Prints one JSON line: requests, requests/s, p50/p99 latency (ms), errors, statuses.
import http from 'node:http';

interface LoadSpec {
  /** `{iso}` in the URL becomes a distinct timestamp per request (2020-01-01 + n seconds), to defeat caches on purpose. */
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

const spec = JSON.parse(process.argv[2]) as LoadSpec;
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let errors = 0;
let counter = 0;
const deadline = performance.now() + spec.seconds * 1000;

function once(): Promise<void> {
  const url = spec.url.replace('{iso}', new Date(Date.UTC(2020, 0, 1) + counter++ * 1000).toISOString());
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent, headers: spec.headers }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - t0);
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
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
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? 0;
agent.destroy();
console.log(JSON.stringify({ requests: latencies.length, rps: latencies.length / elapsed, p50: pct(50), p99: pct(99), errors, statuses }));
