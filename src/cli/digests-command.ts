// `passerelle digests send --now`: every confirmed subscription's digest at once, as if it were due
// (a first check, or an operator's own cron). Prints one line per subscription (never an address)
// and a summary; exits 1 if any digest could not be sent.
import type { CommandContext } from './command-context.ts';
import type { Io } from './io.ts';

export async function runDigestsSend(ctx: CommandContext, io: Io): Promise<number> {
  const { digests } = await ctx.services();
  if (!digests) {
    io.err('digests: SMTP_URL is not set, so the hub sends no mail (see the README: Email digests)');
    return 78;
  }
  const report = await digests.jobs.sendNow((task, result) => {
    const what =
      result.kind === 'empty'
        ? 'nothing new'
        : result.kind === 'attempted'
          ? result.outcome.kind === 'accepted'
            ? `sent (${result.send.storyIds.length} stories)`
            : `not sent: ${result.outcome.kind === 'refused' ? result.outcome.response : result.outcome.error}`
          : result.kind === 'vanished'
            ? 'not sent: its stories are no longer stored'
            : 'stopped';
    io.out(`subscription ${task.sub.id} [${task.sub.selection || 'all items'}]: ${what}`);
  });
  io.out(`digests: ${report.sent} sent, ${report.empty} with nothing new, ${report.failed} failed (retried later), ${report.bounced} refused by the address's server, ${report.suspended} suspended`);
  return report.failed + report.bounced + report.suspended > 0 ? 1 : 0;
}
