// Runs `passerelle` commands in the test's process, through main() as the binary does, and
// collects what they print.
import { main } from '../../src/cli/main.ts';

export interface CommandResult {
  code: number;
  out: string;
  err: string;
}

/** A runner for commands with `env` (plus what each call adds to it). */
export function commandRunner(env: () => NodeJS.ProcessEnv) {
  return async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CommandResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { ...env(), ...extra } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
