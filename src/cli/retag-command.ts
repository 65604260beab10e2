// `passerelle retag`: re-tag every stored item after the taxonomy or a source's default topics
// changed in feeds.yaml.
import type { Config } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { retagItems } from '../pipeline/retag.ts';
import { openHub } from './hub.ts';
import type { Io } from './io.ts';

export async function runRetag(config: Readonly<Config>, io: Io): Promise<number> {
  const hub = await openHub(config, createLogger('warn', process.stderr));
  try {
    const report = await retagItems(hub.database.db, hub.pipeline.taxonomy, (done) => io.out(`… ${done} items checked`));
    io.out(`retagged: ${report.changed} of ${report.items} items changed`);
    return 0;
  } finally {
    await hub.close();
  }
}
