// `passerelle retag`: re-tag every stored item after the taxonomy or a source's default topics
// changed in feeds.yaml.
import { retagItems } from '../pipeline/retag.ts';
import type { CommandContext } from './command-context.ts';
import type { Io } from './io.ts';

export async function runRetag(ctx: CommandContext, io: Io): Promise<number> {
  const { pipeline } = await ctx.services();
  const report = await retagItems(ctx.database.db, pipeline.taxonomy, (done) => io.out(`… ${done} items checked`));
  io.out(`retagged: ${report.changed} of ${report.items} items changed`);
  return 0;
}
