// `passerelle tokens create|list|revoke`: bearer tokens for the admin API. A new token is printed
// once and only its hash is kept; creating and revoking are written to the admin log.
import { createApiToken, listApiTokens, recordAdminAction, revokeApiToken, TokenNameTakenError } from '../store/api-tokens.ts';
import type { CommandContext } from './command-context.ts';
import { relativeTime, table } from './format.ts';
import type { Io } from './io.ts';
import type { CommandRequest } from './requests.ts';

type Request<N extends CommandRequest['name']> = Extract<CommandRequest, { name: N }>;

export async function runTokenCreate(ctx: CommandContext, { tokenName: name, readOnly, actor }: Request<'tokens create'>, io: Io): Promise<number> {
  const db = ctx.database.db;
  try {
    const { token } = await createApiToken(db, { name, readOnly });
    await recordAdminAction(db, { ...actor, action: 'token.create', detail: { name, readOnly } });
    io.out(token);
    io.err(`token "${name}" created (${readOnly ? 'read-only' : 'read and write'}); it is shown this once: keep it now`);
    return 0;
  } catch (err) {
    if (err instanceof TokenNameTakenError) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

export async function runTokenRevoke(ctx: CommandContext, { tokenName: name, actor }: Request<'tokens revoke'>, io: Io): Promise<number> {
  const row = await revokeApiToken(ctx.database.db, name);
  if (!row) {
    io.err(`error: no live token named "${name}"`);
    return 1;
  }
  await recordAdminAction(ctx.database.db, { ...actor, action: 'token.revoke', detail: { name } });
  io.out(`revoked ${name}`);
  return 0;
}

export async function runTokenList(ctx: CommandContext, io: Io): Promise<number> {
  const rows = await listApiTokens(ctx.database.db);
  if (rows.length === 0) {
    io.out('no tokens yet (create one with: passerelle tokens create --name NAME)');
    return 0;
  }
  const now = new Date();
  io.out(
    table([
      ['NAME', 'ACCESS', 'CREATED', 'LAST USED', 'USES', 'STATUS'],
      ...rows.map((t) => [
        t.name,
        t.readOnly ? 'read-only' : 'read-write',
        t.createdAt.toISOString().slice(0, 10),
        relativeTime(t.lastUsedAt, now),
        String(t.useCount),
        t.revokedAt ? `revoked ${t.revokedAt.toISOString().slice(0, 10)}` : 'live',
      ]),
    ]).join('\n'),
  );
  return 0;
}
