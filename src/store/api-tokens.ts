// Admin API tokens and the admin log. A token is 32 random bytes shown once; only its SHA-256 is
// stored (a slow hash adds nothing for a secret with 256 bits of entropy), and a lookup compares
// hashes in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { adminLog, apiTokens } from './schema.ts';

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type AdminLogRow = typeof adminLog.$inferSelect;

/** Prefix of generated tokens, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'psl_';

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** True when two tokens hash alike, compared in constant time. */
export function sameTokenHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export class TokenNameTakenError extends Error {
  constructor(readonly tokenName: string, readonly revoked: boolean) {
    super(`a token named "${tokenName}" already exists${revoked ? ' (revoked); choose another name' : ''}`);
    this.name = 'TokenNameTakenError';
  }
}

/** Creates a token; the returned `token` is the only time it exists in clear. */
export async function createApiToken(db: Db, options: { name: string; readOnly: boolean }): Promise<{ token: string; row: ApiTokenRow }> {
  const [existing] = await db.select().from(apiTokens).where(eq(apiTokens.name, options.name));
  if (existing) throw new TokenNameTakenError(options.name, existing.revokedAt !== null);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ name: options.name, tokenHash: hashToken(token).toString('hex'), readOnly: options.readOnly })
    .returning();
  return { token, row };
}

/** The live (not revoked) token with this hash, if any. */
export async function findLiveToken(db: Db, hash: Buffer): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hash.toString('hex')), isNull(apiTokens.revokedAt)));
  // The index lookup found it by equality already; the constant-time comparison keeps the check
  // itself free of early exits should the lookup ever change.
  return row && sameTokenHash(Buffer.from(row.tokenHash, 'hex'), hash) ? row : undefined;
}

export async function recordTokenUse(db: Db, tokenId: number): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()`, useCount: sql`${apiTokens.useCount} + 1` })
    .where(eq(apiTokens.id, tokenId));
}

export async function listApiTokens(db: Db): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).orderBy(apiTokens.name);
}

/** Revokes a token by name; undefined when no live token has that name. */
export async function revokeApiToken(db: Db, name: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.name, name), isNull(apiTokens.revokedAt)))
    .returning();
  return row;
}

export interface AdminAction {
  /** The api_tokens row, or null for the ADMIN_TOKEN bootstrap and the command line. */
  tokenId: number | null;
  /** The token's name ("ADMIN_TOKEN", "cli" …), kept in the detail so it survives the token. */
  token: string;
  action: string;
  detail?: Record<string, unknown>;
}

/** Rows kept in the admin log; older ones are trimmed as new ones arrive. */
export const ADMIN_LOG_KEEP = 10_000;

export async function recordAdminAction(db: Db, entry: AdminAction): Promise<void> {
  await db.insert(adminLog).values({ tokenId: entry.tokenId, action: entry.action, detail: { token: entry.token, ...entry.detail } });
  // Trim now and then rather than on every write: one in fifty is plenty for a bounded table.
  if (Math.random() < 0.02) {
    await db.execute(
      sql`delete from ${adminLog} where ${adminLog.id} < (select min(id) from (select ${adminLog.id} as id from ${adminLog} order by ${adminLog.id} desc limit ${ADMIN_LOG_KEEP}) as newest)`,
    );
  }
}

export async function listAdminLog(db: Db, limit: number): Promise<AdminLogRow[]> {
  return db.select().from(adminLog).orderBy(desc(adminLog.id)).limit(limit);
}
