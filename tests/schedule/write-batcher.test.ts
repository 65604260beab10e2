// Group commit for the digest job's writes: what arrives together goes in one write, nothing waits
// for a batch to fill, and one bad write never fails the writes it was gathered with.
import { describe, expect, it } from 'vitest';
import { createWriteBatcher } from '../../src/schedule/write-batcher.ts';

describe('createWriteBatcher', () => {
  it('writes what arrives in the same turn, or during a write, as one batch, in order', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const write = createWriteBatcher(async (batch: number[]) => {
      batches.push(batch);
      if (batches.length === 1) await gate;
      return batch.map((n) => n * 10);
    });
    const first = [write(1), write(2), write(3)];
    // Wait until the first batch is being written, then queue more behind it.
    while (!batches.length) await new Promise((r) => setImmediate(r));
    const second = [write(4), write(5)];
    release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('writes a lone item without waiting for company', async () => {
    const batches: string[][] = [];
    const write = createWriteBatcher(async (batch: string[]) => (batches.push(batch), batch.map(() => undefined)));
    await write('a');
    await write('b');
    expect(batches).toEqual([['a'], ['b']]);
  });

  it('fails only the write that cannot be written, after trying each of its batch alone', async () => {
    const write = createWriteBatcher(async (batch: string[]) => {
      if (batch.includes('bad')) throw new Error(`cannot write ${batch.join(',')}`);
      return batch.map((s) => s.toUpperCase());
    });
    const results = await Promise.allSettled([write('a'), write('bad'), write('c')]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['A', 'cannot write bad', 'C']);
  });

  it('keeps at most maxBatch writes in one batch', async () => {
    const sizes: number[] = [];
    const write = createWriteBatcher(async (batch: number[]) => (sizes.push(batch.length), batch), 2);
    await Promise.all([1, 2, 3, 4, 5].map(write));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
