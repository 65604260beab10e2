// postgres.js 3.4.9 as the hub uses it, with the workarounds for its known faults in one place.
// Each workaround names the upstream issue it answers; when a release fixes one, its workaround
// goes. Nothing outside this file reaches into the driver's internals.
import postgres from 'postgres';

type Sql = postgres.Sql;

export interface PoolOptions {
  max: number;
  /** Told when the pool was replaced after a connection error (for the log). */
  onReset?: (reason: string) => void;
}

export interface PostgresPool {
  /** What drizzle holds: always forwards to the pool in use. */
  client: Sql;
  /** Reads the array types once over a connection of its own and hands them to the pools. */
  loadTypes(single: Sql): void;
  end(): Promise<void>;
}

/** The connection options every pool and single connection shares. */
export function connectionOptions(max: number): postgres.Options<Record<string, never>> {
  return {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 60,
    // The driver looks the array types up on every new connection, from a promise nobody awaits:
    // when that lookup fails (the connection is lost or the query cancelled) the rejection is
    // unhandled and ends the process (porsager/postgres #1192, #1223). The types are read once, by
    // the connection that runs the migrations, and copied into each pool (see copyTypes).
    fetch_types: false,
    connection: { application_name: 'passerelle' },
  };
}

/** A single connection for a one-off job (migrations, a backup's snapshot, a restore). */
export function openSingleConnection(url: string): Sql {
  return postgres(url, { ...connectionOptions(1), fetch_types: true, idle_timeout: undefined });
}

/**
 * A pool that is replaced whole after a connection error. postgres.js 3.4.9 can leave a pooled
 * connection unusable once its socket closed while a write was pending (as when the server
 * restarts under load): a query parked on it never settles and the connection spins reconnecting
 * (porsager/postgres #1193), or every later write on it throws (#1208). Instead of trusting a pool
 * that has seen its server go, new queries go to a fresh pool and the old one is ended, which also
 * rejects what hung on it. drizzle holds `client`, a stand-in that forwards to the current pool:
 * the stand-in is a Proxy because drizzle calls the client as a tagged template, and as
 * `.unsafe` and `.begin`, and each of those must land on the pool of the moment.
 */
export function openPostgresPool(url: string, options: PoolOptions): PostgresPool {
  const create = () => postgres(url, connectionOptions(options.max));
  let current = create();
  const retiring = new Set<Promise<void>>();
  let lastReset = 0;
  let pending: NodeJS.Timeout | undefined;
  let ended = false;

  const retire = (old: Sql) => {
    const done = old.end({ timeout: 5 }).catch(() => {});
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  };
  const reset = (reason: string) => {
    pending = undefined;
    if (ended) return;
    lastReset = Date.now();
    const old = current;
    current = create();
    // drizzle sets its own parsers on the first pool (dates as strings); every pool needs them.
    copyTypes(old, current, true);
    retire(old);
    options.onReset?.(reason);
  };
  // Only errors from the pool in use count: the ones a retired pool gives while it is ended are expected.
  const observe = (err: unknown, pool: Sql) => {
    if (ended || pending || pool !== current || !isConnectionError(err)) return;
    const wait = lastReset + RESET_SPACING_MS - Date.now();
    const reason = String((err as { code?: string }).code);
    if (wait <= 0) reset(reason);
    else pending = setTimeout(() => reset(reason), wait).unref();
  };
  /** postgres.js queries run when awaited; watching `then` sees their outcome without running them early. */
  const watch = <Q extends PromiseLike<unknown>>(query: Q, pool: Sql): Q => {
    const then = query.then;
    (query as { then: unknown }).then = function (this: Q, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      return then.call(this, onFulfilled, (err: unknown) => {
        observe(err, pool);
        if (onRejected) return onRejected(err);
        throw err;
      });
    };
    return query;
  };

  const client = new Proxy(function () {} as unknown as Sql, {
    apply: (_target, _this, args) => watch((current as unknown as (...a: unknown[]) => PromiseLike<unknown>)(...args), current),
    get(_target, prop) {
      const pool = current;
      if (prop === 'unsafe') return (...args: Parameters<Sql['unsafe']>) => watch(pool.unsafe(...args), pool);
      if (prop === 'begin') {
        return (...args: unknown[]) =>
          (pool.begin as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
            observe(err, pool);
            throw err;
          });
      }
      const value = Reflect.get(pool, prop);
      return typeof value === 'function' ? value.bind(pool) : value;
    },
  });

  return {
    client,
    loadTypes(single: Sql) {
      copyTypes(single, current, false);
    },
    async end() {
      ended = true;
      clearTimeout(pending);
      retire(current);
      await Promise.all([...retiring]);
    },
  };
}

/** Pool resets are at least this far apart; one more always follows the last connection error. */
const RESET_SPACING_MS = 1000;

/**
 * The parts of a client's options that hold type parsers. They are not in the driver's typings:
 * with fetch_types off there is no supported way to give a pool the array types (the feature is
 * asked for in porsager/postgres #1164), so they are copied from a client that looked them up.
 */
interface TypeOptions {
  parsers: Record<string, unknown>;
  serializers: Record<string, unknown>;
  shared: { typeArrayMap: Record<string, number> };
}

function copyTypes(from: Sql, to: Sql, overwrite: boolean): void {
  const a = from.options as unknown as TypeOptions;
  const b = to.options as unknown as TypeOptions;
  for (const key of ['parsers', 'serializers'] as const) {
    for (const [oid, fn] of Object.entries(a[key])) if (overwrite || !(oid in b[key])) b[key][oid] = fn;
  }
  Object.assign(b.shared.typeArrayMap, a.shared.typeArrayMap);
}

/**
 * postgres.js 3.4.9 can throw from a timer when a connection closes between a write being queued
 * and sent (a ROLLBACK after the server went away mid-transaction): `socket.write` on a null
 * socket, thrown where no caller can catch it (porsager/postgres #1154, #1208). That one error is
 * harmless to us: the query it belonged to is rejected when its pool is ended (openPostgresPool).
 * The process-wide handler that lets it pass is installed by the command line (cli/process-hooks).
 */
export function isDriverWriteRace(err: unknown): boolean {
  return (
    err instanceof TypeError &&
    /Cannot read properties of null \(reading 'write'\)/.test(err.message) &&
    /[\\/]postgres[\\/](cjs[\\/])?src[\\/]connection\.js/.test(err.stack ?? '') &&
    /nextWrite/.test(err.stack ?? '')
  );
}

/** Errors that say the connection (not the query) failed: the server went away or is restarting. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return CONNECTION_ERROR_CODES.has(code) || code.startsWith('08');
}

const CONNECTION_ERROR_CODES = new Set([
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // admin_shutdown, crash_shutdown, cannot_connect_now: a server stopping or starting.
  '57P01', '57P02', '57P03',
]);
