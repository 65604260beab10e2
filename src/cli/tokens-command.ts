// `passerelle tokens create|list|revoke`: bearer tokens for the admin API. A new token is printed
// once and only its hash is kept; creating and revoking are written to the admin log.
import { parseArgs } from 'node:util';
import type { Config } from '../core/config.ts';
import { createApiToken, listApiTokens, recordAdminAction, revokeApiToken, TokenNameTakenError } from '../store/api-tokens.ts';
import { openDatabase } from '../store/db.ts';
import { relativeTime, table } from './format.ts';
import type { Io } from './io.ts';
import { cliActor } from './sources-command.ts';
import { UsageError } from './usage.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$/;

export async function runTokens(config: Readonly<Config>, args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: sub === 'create' ? { name: { type: 'string' }, 'read-only': { type: 'boolean' } } : {},
  });
  if (sub === 'create') {
    if (positionals.length) throw new UsageError('tokens create takes --name NAME [--read-only]');
    if (!values.name || !NAME.test(values.name as string)) {
      throw new UsageError('tokens create needs --name NAME (letters, digits and . _ @ : -, at most 64)');
    }
  } else if (sub === 'revoke') {
    if (positionals.length !== 1) throw new UsageError('tokens revoke needs one NAME');
  } else if (sub === 'list') {
    if (positionals.length) throw new UsageError('tokens list takes no arguments');
  } else {
    throw new UsageError(`unknown tokens command "${sub ?? ''}" (try: tokens create, list, revoke)`);
  }

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const actor = cliActor();
  try {
    if (sub === 'create') {
      const name = values.name as string;
      const readOnly = !!values['read-only'];
      try {
        const { token } = await createApiToken(database.db, { name, readOnly });
        await recordAdminAction(database.db, { ...actor, action: 'token.create', detail: { name, readOnly } });
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
    if (sub === 'revoke') {
      const name = positionals[0];
      const row = await revokeApiToken(database.db, name);
      if (!row) {
        io.err(`error: no live token named "${name}"`);
        return 1;
      }
      await recordAdminAction(database.db, { ...actor, action: 'token.revoke', detail: { name } });
      io.out(`revoked ${name}`);
      return 0;
    }
    const rows = await listApiTokens(database.db);
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
  } finally {
    await database.close();
  }
}
