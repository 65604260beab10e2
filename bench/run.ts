// npm run bench [name …]: runs the benchmarks and prints their tables. Each benchmark measures
// what it compares side by side, in the same process and the same run.
import { benchBackup } from './backup.ts';
import { benchCorpusYield } from './corpus-yield.ts';
import { benchDigests } from './digests.ts';
import { benchIngest } from './ingest.ts';
import { benchNormalize } from './normalize.ts';
import { benchPageSource } from './page-source.ts';
import { benchPeer } from './peers/peer.ts';
import { benchReader } from './reader.ts';
import { benchReading } from './reading.ts';
import { benchLoad } from './load.ts';
import { benchScale } from './scale.ts';
import { benchServe } from './serve.ts';
import { benchWorkers } from './workers.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  ingest: benchIngest,
  normalize: benchNormalize,
  serve: benchServe,
  reader: benchReader,
  scale: benchScale,
  load: benchLoad,
  workers: benchWorkers,
  reading: benchReading,
  corpus: benchCorpusYield,
  pages: benchPageSource,
  digests: benchDigests,
  backup: benchBackup,
  peer: benchPeer,
};

// Long, and needing PHP and FreshRSS's source: run only when named.
const ON_REQUEST = new Set(['peer']);

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n));
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n## ${name}\n`);
  await bench();
}
