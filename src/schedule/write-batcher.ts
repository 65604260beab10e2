// Writes that arrive together are written together: one statement for the tasks that finished in
// the same turn of the event loop, or while the previous write was under way, instead of one each
// (group commit). Nothing waits for a batch to fill: a lone write goes on the next turn. (An
// embedded database runs each statement on this thread, so "while one is under way" alone would
// never gather anything there.) A batch that fails is written again one write at a time, and a
// write that fails alone fails its caller, who decides whether to try again.

export type BatchWrite<T, R> = (batch: T[]) => Promise<R[]>;

export function createWriteBatcher<T, R = void>(write: BatchWrite<T, R>, maxBatch = 100): (item: T) => Promise<R> {
  const queue: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    try {
      while (queue.length) {
        const batch = queue.splice(0, maxBatch);
        try {
          const results = await write(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          if (batch.length === 1) batch[0].reject(err);
          // One bad write must not fail the others: each is tried alone.
          else for (const b of batch) await write([b.item]).then(([r]) => b.resolve(r), b.reject);
        }
      }
    } finally {
      writing = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) {
        writing = true;
        setImmediate(() => void flush());
      }
    });
}
