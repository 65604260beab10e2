// PGlite 0.5.16 as the hub uses it: the embedded database in DATA_DIR/pglite, made to survive a
// crash of the process and a power cut alike.
//
// What PGlite does by itself: it starts Postgres with `-F` (fsync off), and its Node filesystem
// (Emscripten's NODEFS) writes every block at once with write(2), without buffering, but has no
// fsync: Postgres's fdatasync and fsync calls reach nothing. `relaxedDurability` only decides
// whether PGlite awaits its own syncToFs after a query, which does nothing on NODEFS. With
// synchronous_commit on (the default), a COMMIT returns once its WAL record has been written to
// the kernel: a `kill -9` of the process loses nothing acknowledged, but a power cut or a kernel
// crash can lose the last commits and, with fsync off, leave data files that do not match the
// WAL. So here fsync is turned on, the WAL is synced with fsync (NODEFS's fdatasync is a no-op,
// while fsync goes through the filesystem's stream operations), and NODEFS is given the fsync it
// lacks. That costs about one disk flush per commit (1–2 ms measured on an SSD).
import { fsyncSync } from 'node:fs';
import type { Extensions, PGlite } from '@electric-sql/pglite';

/** Whether a commit is on disk when acknowledged ('fsync'), or only handed to the kernel ('write'). */
export type Durability = 'fsync' | 'write';

interface EmscriptenModule {
  NODEFS?: {
    stream_ops: { fsync?: (stream: { nfd: number }) => number };
    tryFSOperation?: <T>(fn: () => T) => T;
  };
}

/** Opens PGlite on `dir` (a directory, or memory:// for a throwaway database). */
export async function openPgliteClient(dir: string, extensions: Extensions): Promise<{ client: PGlite; durability: Durability }> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dir.startsWith('memory://')) return { client: await PGlite.create(dir, { extensions }), durability: 'write' };
  const { NodeFS } = await import('@electric-sql/pglite/nodefs');
  let synced = false;
  class SyncedNodeFS extends NodeFS {
    override async init(pg: PGlite, options: Parameters<InstanceType<typeof NodeFS>['init']>[1]) {
      const result = await super.init(pg, options);
      result.emscriptenOpts.preRun = [
        ...(result.emscriptenOpts.preRun ?? []),
        (mod: EmscriptenModule) => {
          const nodefs = mod.NODEFS;
          if (!nodefs || nodefs.stream_ops.fsync) return;
          const attempt = nodefs.tryFSOperation ?? (<T>(fn: () => T) => fn());
          nodefs.stream_ops.fsync = (stream) => {
            attempt(() => fsyncSync(stream.nfd));
            return 0;
          };
          synced = true;
        },
      ];
      return result;
    }
  }
  const client = await PGlite.create({
    dataDir: dir,
    fs: new SyncedNodeFS(dir),
    extensions,
    relaxedDurability: false,
    startParams: [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'wal_sync_method=fsync', '-c', 'synchronous_commit=on'],
  });
  return { client, durability: synced ? 'fsync' : 'write' };
}
