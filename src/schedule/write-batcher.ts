// Writes that arrive while one is under way are gathered and written together: one statement for
// the tasks that finished meanwhile instead of one each (group commit). A lone write goes at once,
// so nothing waits for a batch to fill. A batch that fails fails each of its callers, who decide
// whether to try again.

export type BatchWrite<T, R> = (batch: T[]) => Promise<R[]>;

export function createWriteBatcher<T, R = void>(write: BatchWrite<T, R>, maxBatch = 100): (item: T) => Promise<R> {
  const queue: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    writing = true;
    try {
      while (queue.length) {
        const batch = queue.splice(0, maxBatch);
        try {
          const results = await write(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      writing = false;
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) void flush();
    });
}
