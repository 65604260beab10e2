import { PGlite } from '@electric-sql/pglite';
import fs from 'node:fs';
const mode = process.argv[2];
const dir = `/tmp/fsx-${mode}`;
fs.rmSync(dir, { recursive: true, force: true });
let syncs = 0;
const opts = mode === 'fsync' ? { startParams: [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync'] } : {};
const pg = await PGlite.create(dir, opts);
if (mode === 'fsync') {
  const ops = pg.Module.NODEFS.stream_ops;
  ops.fsync = (stream) => { syncs++; fs.fsyncSync(stream.nfd); return 0; };
}
console.log(mode, (await pg.query('show fsync')).rows[0], (await pg.query('show wal_sync_method')).rows[0]);
await pg.exec('create table t (id serial primary key, v text)');
const t0 = performance.now();
for (let i = 0; i < 300; i++) await pg.query('insert into t (v) values ($1)', ['x'.repeat(300)]);
const t1 = performance.now();
await pg.query('checkpoint');
console.log(mode, 'per commit ms', ((t1 - t0) / 300).toFixed(2), 'checkpoint ms', (performance.now() - t1).toFixed(0), 'fsyncs', syncs);
await pg.close();
