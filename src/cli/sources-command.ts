// `passerelle sources list`: every source with its health, as a table.
import type { Config } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { listSources } from '../store/sources-repo.ts';
import { relativeTime, table } from './format.ts';
import { openHub } from './hub.ts';
import type { Io } from './main.ts';

export async function runSources(config: Readonly<Config>, io: Io): Promise<number> {
  const hub = await openHub(config, createLogger('warn', process.stderr));
  try {
    const rows = await listSources(hub.database.db);
    const now = new Date();
    io.out(
      table([
        ['SOURCE', 'STATUS', 'LAST FETCH', 'HTTP', 'ITEMS', 'NEXT FETCH', 'LAST ERROR'],
        ...rows.map((s) => [
          s.slug,
          s.status,
          relativeTime(s.lastFetchAt, now),
          s.lastStatus ? String(s.lastStatus) : '-',
          String(s.itemCount),
          s.status === 'active' ? relativeTime(s.nextFetchAt, now) : '-',
          s.lastError ?? '',
        ]),
      ]).join('\n'),
    );
    return 0;
  } finally {
    await hub.close();
  }
}
