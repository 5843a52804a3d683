/** Runs a CLI command with the product's error policy: a clear sentence and an exit code, never a bare stack trace. */
import { InputError } from '../../shared/errors.js';
import { inFlagTerms } from './settingFlags.js';
import { printableText } from './terminalText.js';

/** `--help` or `-h` among the arguments (before a `--` that ends the options): the command should print its usage. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** The long flags on a command line (before a `--` that ends the options), by name. */
export function flagsGiven(argv: readonly string[]): Set<string> {
  const given = new Set<string>();
  for (const a of argv) {
    if (a === '--') break;
    if (a.startsWith('--')) given.add(a.slice(2).split('=')[0]!);
  }
  return given;
}

/**
 * Runs `command`, or with `--help` / `-h` prints `usage` on stdout and exits 0 without running anything: a
 * researcher asking a command what it takes must never start a run, a benchmark or a download by doing so. Input
 * errors about a loop setting the command line set are printed naming its flag (settingFlags.ts › inFlagTerms).
 */
export function runCli(command: () => Promise<void> | void, usage: string): void {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    return;
  }
  const debug = process.argv.includes('--debug') || process.env.OUROBOROS_DEBUG === '1';
  Promise.resolve()
    .then(command)
    .catch((e: unknown) => {
      // Messages quote ids and labels from files: printed so that none of their bytes can act on the terminal.
      if (e instanceof InputError) {
        process.stderr.write(`error: ${printableText(inFlagTerms(e, flagsGiven(process.argv.slice(2))).message)}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`error: ${printableText(e instanceof Error ? e.message : String(e))}\n`);
        if (debug && e instanceof Error && e.stack) process.stderr.write(`${printableText(e.stack)}\n`);
        else process.stderr.write('(run with --debug for the stack trace)\n');
        process.exitCode = 1;
      }
    });
}
