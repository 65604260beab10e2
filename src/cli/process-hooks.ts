// Process-wide hooks, installed once by the command line for the process it runs.
import { isDriverWriteRace } from '../store/postgres-driver.ts';

let installed = false;
let report: (reason: string) => void = () => {};

/**
 * Lets the one harmless uncaught exception of the Postgres driver pass (store/postgres-driver.ts
 * says which and why); every other uncaught exception keeps Node's behaviour: printed, and the
 * process exits.
 */
export function installProcessHooks(): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtException', function onUncaught(err) {
    if (isDriverWriteRace(err)) {
      report('write after close (driver)');
      return;
    }
    // Someone else (a test runner) handles it; otherwise behave as if we were not listening.
    if (process.listeners('uncaughtException').some((l) => l !== onUncaught)) return;
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  });
}

/** Where a passed-over driver exception is reported (the process's log). */
export function reportDriverRacesTo(reporter: (reason: string) => void): void {
  report = reporter;
}
