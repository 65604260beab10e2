// Where new bodies are read (parsed, sanitized, normalized): in a pool of worker threads, so a
// huge or hostile feed costs a worker, never the event loop that serves requests. Each worker
// has a heap limit, and each read a deadline counted from the moment a worker takes it up; a
// read past either ends its worker (the pool starts another) and comes back as a reading that
// says which limit it hit, recorded on the source like any failed fetch.
//
// piscina rather than node:worker_threads by hand: it keeps the pool at its size when a worker
// dies (out of memory, or stopped at its deadline) and ends a running task's worker on abort.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ReadSettings } from '../core/config.ts';
import type { Topic } from '../core/types.ts';
import { compileTaxonomy, type Taxonomy } from '../normalize/topics.ts';
import type { FeedReading } from './plan-ingest.ts';
import { readFeed, type ReadInput } from './read-feed.ts';
import { readPageBody, type PageReadInput } from './read-page-body.ts';
import type { ReadTask } from './read-task.ts';

export interface BodyReader {
  readFeed(input: ReadInput): Promise<FeedReading>;
  readPage(input: PageReadInput): Promise<FeedReading>;
  /** Stops the workers; reads still running are abandoned. */
  close(): Promise<void>;
}

/** Reads on the calling thread: for commands and tests that serve nothing meanwhile. */
export function inProcessReader(taxonomy: Taxonomy): BodyReader {
  return {
    readFeed: (input) => readFeed(input, taxonomy),
    readPage: (input) => readPageBody(input, taxonomy),
    close: async () => {},
  };
}

/** A pool of `settings.workers` threads; 0 reads on the calling thread. Threads start at the first read. */
export function createReadPool(settings: ReadSettings, topics: Topic[]): BodyReader {
  if (settings.workers === 0) return inProcessReader(compileTaxonomy(topics));
  let pool: Piscina | undefined;
  const open = () =>
    (pool ??= new Piscina({
      filename: new URL('./read-worker.js', import.meta.url).href,
      minThreads: settings.workers,
      maxThreads: settings.workers,
      idleTimeout: Infinity,
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb },
      workerData: { topics },
    }));

  async function run(task: Omit<ReadTask, 'started'>): Promise<FeedReading> {
    // The deadline starts when a worker takes the read up, not while it waits for one (or for a new worker to start).
    const { port1, port2 } = new MessageChannel();
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    port1.once('message', () => {
      timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
      port1.close();
    });
    try {
      return await open().run({ ...task, started: port2 }, { signal: deadline.signal, transferList: [port2] });
    } catch (err) {
      if (isOutOfMemory(err)) {
        return { kind: 'unreadable', detail: `reading it needed more than ${settings.memoryMb} MiB of memory`, problem: { code: 'read-memory', params: { limitBytes: settings.memoryMb * 1024 * 1024 } } };
      }
      if (isAbort(err)) {
        const seconds = Math.round(settings.timeoutMs / 100) / 10;
        return { kind: 'unreadable', detail: `reading it took more than ${seconds} s`, problem: { code: 'read-timeout', params: { seconds } } };
      }
      throw err;
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  return {
    readFeed: (input) => run({ kind: 'feed', input }),
    readPage: (input) => run({ kind: 'page', input }),
    async close() {
      const opened = pool;
      pool = undefined;
      await opened?.destroy();
    },
  };
}

function isOutOfMemory(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}
