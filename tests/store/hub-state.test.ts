// The change counter web processes compare to tell whether a rendered feed is still current: it
// grows with every committed change, whichever slot a change bumped, and a change rolled back
// leaves it as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.ts';
import { bumpGeneration, readGeneration } from '../../src/store/hub-state.ts';
import { hubState } from '../../src/store/schema.ts';
import { databaseKinds, freshDatabase } from '../helpers/databases.ts';

describe.each(databaseKinds)('the change counter on %s', (kind) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await freshDatabase(kind));
  });
  afterAll(() => cleanup());

  it('grows by one with every committed bump, whichever slot it lands in', async () => {
    const start = await readGeneration(database.db);
    for (let i = 0; i < 40; i++) await database.db.transaction((tx) => bumpGeneration(tx, i * 7));
    const after = await readGeneration(database.db);
    expect(after.generation).toBe(start.generation + 40);
    expect(after.changedAt.getTime()).toBeGreaterThanOrEqual(start.changedAt.getTime());
  });

  it('stays put when the change is rolled back', async () => {
    const start = (await readGeneration(database.db)).generation;
    await expect(
      database.db.transaction(async (tx) => {
        await bumpGeneration(tx, 3);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await readGeneration(database.db)).generation).toBe(start);
  });

  it('counts on a database holding only the first slot, as one restored from an older backup does', async () => {
    await database.db.delete(hubState);
    await database.db.insert(hubState).values({ id: 1, generation: 5 });
    await bumpGeneration(database.db, 9);
    expect((await readGeneration(database.db)).generation).toBe(6);
  });
});
