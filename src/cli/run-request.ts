// Runs a database command's request against a context: the same code in a one-off process and in
// the running hub that received it over its command socket.
import { AppError } from '../core/errors.ts';
import type { CommandContext } from './command-context.ts';
import { runDigestsSend } from './digests-command.ts';
import { runFetch } from './fetch-command.ts';
import { explainRefusal } from './format.ts';
import type { Io } from './io.ts';
import { runOpmlImport } from './opml-command.ts';
import type { CommandRequest } from './requests.ts';
import { runRetag } from './retag-command.ts';
import { runRetention } from './retention-command.ts';
import { runSourceAction, runSourceAdd, runSourcesList, runSourcesSync, withFlags } from './sources-command.ts';
import { runTokenCreate, runTokenList, runTokenRevoke } from './tokens-command.ts';

/** The exit code: 0 done, 1 refused (the reason is printed), other codes as each command says. */
export async function runRequest(ctx: CommandContext, request: CommandRequest, io: Io): Promise<number> {
  try {
    switch (request.name) {
      case 'sources list':
        return await runSourcesList(ctx, io);
      case 'sources add':
        return await runSourceAdd(ctx, request, io);
      case 'sources action':
        return await runSourceAction(ctx, request, io);
      case 'sources sync':
        return await runSourcesSync(ctx, request, io);
      case 'opml import':
        return await runOpmlImport(ctx, request, io);
      case 'tokens create':
        return await runTokenCreate(ctx, request, io);
      case 'tokens list':
        return await runTokenList(ctx, io);
      case 'tokens revoke':
        return await runTokenRevoke(ctx, request, io);
      case 'fetch':
        return await runFetch(ctx, request, io);
      case 'retag':
        return await runRetag(ctx, io);
      case 'retention':
        return await runRetention(ctx, request, io);
      case 'digests send':
        return await runDigestsSend(ctx, io);
    }
  } catch (err) {
    if (err instanceof AppError) {
      // `sources add` names its own flags, not the API's fields it shares checks with.
      const message = request.name === 'sources add' ? withFlags(err.message) : err.message;
      for (const line of explainRefusal({ message, extra: err.extra })) io.err(line);
      return 1;
    }
    throw err;
  }
}
