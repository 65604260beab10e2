// The backup file: gzip-compressed lines of UTF-8 text, the same from PGlite and PostgreSQL.
//
//   @passerelle-backup {"version":1,"schema":{"index":9,"tag":"0009_…"},"database":"pglite",…}
//   @table {"name":"sources","columns":["id","slug",…]}
//   {"id":1,"slug":"isans",…}                 one row per line, as PostgreSQL's row_to_json writes it
//   …
//   @end {"rows":{"sources":38,…},"sha256":"…"}
//
// Tables come in an order where every foreign key points to an earlier table. The last line holds
// the row counts and the SHA-256 of every byte before it, so a truncated or altered file is
// refused before anything is written; gzip's own check catches a cut-off file too. Rows are never
// parsed on the way through (a 64-bit fingerprint would not survive JavaScript numbers): the
// database writes them and reads them back.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { knownSchemas, latestSchema } from './schema-version.ts';

export const BACKUP_FORMAT_VERSION = 1;
export const HEADER_PREFIX = '@passerelle-backup ';
export const TABLE_PREFIX = '@table ';
export const END_PREFIX = '@end ';

export interface BackupHeader {
  version: number;
  schema: { index: number; tag: string };
  database: 'pglite' | 'postgres';
  createdAt: string;
  tables: string[];
}

export interface TableHeader {
  name: string;
  columns: string[];
}

export interface BackupTrailer {
  rows: Record<string, number>;
  sha256: string;
}

/** Why a file cannot be restored; the message is for the operator as it stands. */
export class BackupRefusedError extends Error {
  constructor(
    message: string,
    readonly reason: 'not-ours' | 'truncated' | 'damaged' | 'newer' | 'target',
  ) {
    super(message);
    this.name = 'BackupRefusedError';
  }
}

export type BackupLine =
  | { kind: 'table'; table: TableHeader }
  | { kind: 'row'; table: string; json: string };

/**
 * Reads a backup file line by line, checking as it goes; `onLine` sees each table and row (and
 * may wait). Resolves with the header and trailer once the whole file proved whole; throws
 * BackupRefusedError otherwise, which may be after `onLine` saw rows: a caller writing them does
 * so in a transaction it rolls back on error.
 */
export async function readBackup(
  file: string,
  onLine?: (line: BackupLine, header: BackupHeader) => Promise<void> | void,
): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  const gunzip = createGunzip();
  const input = createReadStream(file).on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
  const hash: Hash = createHash('sha256');
  let header: BackupHeader | undefined;
  let table: TableHeader | undefined;
  let trailer: BackupTrailer | undefined;
  const counted: Record<string, number> = {};
  const seen: string[] = [];
  let lineNo = 0;
  // What `onLine` throws (the database refusing a row) is its own error, not the file's.
  const deliver = async (line: BackupLine, h: BackupHeader) => {
    try {
      await onLine?.(line, h);
    } catch (err) {
      throw new CallbackFailed(err);
    }
  };
  try {
    for await (const line of lines) {
      lineNo++;
      if (trailer) throw new BackupRefusedError(`${file} is damaged: it goes on after its last line`, 'damaged');
      if (line.startsWith(END_PREFIX)) {
        trailer = parseJson<BackupTrailer>(line.slice(END_PREFIX.length), file, lineNo);
        continue;
      }
      hash.update(line);
      hash.update('\n');
      if (!header) {
        header = readHeader(line, file);
        continue;
      }
      if (line.startsWith(TABLE_PREFIX)) {
        table = parseJson<TableHeader>(line.slice(TABLE_PREFIX.length), file, lineNo);
        if (!header.tables.includes(table.name) || seen.includes(table.name)) throw new BackupRefusedError(`${file} is damaged: unexpected table "${table.name}" on line ${lineNo}`, 'damaged');
        seen.push(table.name);
        counted[table.name] = 0;
        await deliver({ kind: 'table', table }, header);
        continue;
      }
      if (!table || !line.startsWith('{')) throw new BackupRefusedError(`${file} is damaged: line ${lineNo} is not a row`, 'damaged');
      counted[table.name]++;
      await deliver({ kind: 'row', table: table.name, json: line }, header);
    }
  } catch (err) {
    if (err instanceof CallbackFailed) throw err.cause;
    if (err instanceof BackupRefusedError) throw err;
    throw refusalFromRead(err as NodeJS.ErrnoException, file, header, lineNo);
  } finally {
    lines.close();
    input.destroy();
  }
  if (!header) throw new BackupRefusedError(`${file} is not a Passerelle backup: it is empty`, 'not-ours');
  if (!trailer) throw new BackupRefusedError(`${file} is incomplete: it ends after ${lineNo} lines, before its last line (was the backup interrupted, or the file cut short?)`, 'truncated');
  if (trailer.sha256 !== hash.digest('hex')) throw new BackupRefusedError(`${file} is damaged: its content does not match its checksum`, 'damaged');
  for (const name of header.tables) {
    if ((counted[name] ?? -1) !== trailer.rows[name]) throw new BackupRefusedError(`${file} is damaged: table ${name} has ${counted[name] ?? 0} rows, its last line says ${trailer.rows[name]}`, 'damaged');
  }
  return { header, trailer };
}

class CallbackFailed {
  constructor(readonly cause: unknown) {}
}

function readHeader(line: string, file: string): BackupHeader {
  if (!line.startsWith(HEADER_PREFIX)) throw new BackupRefusedError(`${file} is not a Passerelle backup (its first line is not a backup header)`, 'not-ours');
  const header = parseJson<BackupHeader>(line.slice(HEADER_PREFIX.length), file, 1);
  if (header.version > BACKUP_FORMAT_VERSION) {
    throw new BackupRefusedError(`${file} was written by a newer version of Passerelle (backup format ${header.version}; this one reads ${BACKUP_FORMAT_VERSION}): upgrade Passerelle, then restore`, 'newer');
  }
  const ours = knownSchemas().find((s) => s.index === header.schema?.index);
  if (!ours || ours.tag !== header.schema.tag) {
    const latest = latestSchema();
    const newer = (header.schema?.index ?? 0) > latest.index;
    throw new BackupRefusedError(
      newer
        ? `${file} comes from a newer Passerelle (database schema ${header.schema.tag}; this one knows up to ${latest.tag}): upgrade Passerelle, then restore`
        : `${file} has a database schema this Passerelle does not know (${header.schema?.tag}): it was not written by this project's releases`,
      'newer',
    );
  }
  return header;
}

function parseJson<T>(text: string, file: string, lineNo: number): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new BackupRefusedError(`${file} is damaged: line ${lineNo} cannot be read`, 'damaged');
  }
}

function refusalFromRead(err: NodeJS.ErrnoException, file: string, header: BackupHeader | undefined, lineNo: number): Error {
  if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') return err;
  if (err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message)) {
    return new BackupRefusedError(`${file} is incomplete: it ends in the middle, after ${lineNo} lines (was the backup interrupted, or the file cut short?)`, 'truncated');
  }
  if (!header && (err.code === 'Z_DATA_ERROR' || /incorrect header check|unknown compression/i.test(err.message))) {
    return new BackupRefusedError(`${file} is not a Passerelle backup (it is not a gzip file)`, 'not-ours');
  }
  return new BackupRefusedError(`${file} is damaged: ${err.message}`, 'damaged');
}

