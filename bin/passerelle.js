#!/usr/bin/env node
// Entry point of the `passerelle` command: runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import('../src/cli/main.ts');
process.exitCode = await runProcess(process.argv.slice(2));
// Everything is closed by now. After a database outage the driver may still reopen a connection
// it was asked to close (postgres.js reconnects on a timer); that must not keep a stopped process
// alive, so whatever lingers gets a moment and no more.
setTimeout(() => process.exit(), 3000).unref();
