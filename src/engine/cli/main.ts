/** Runs a CLI command with the product's error policy: a clear sentence and an exit code, never a bare stack trace. */
import { InputError } from '../../shared/errors.js';
import { inFlagTerms } from './settingFlags.js';
import { printableText } from './terminalText.js';

/** The arguments before a `--` that ends the options. */
function optionArgs(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end < 0 ? argv : argv.slice(0, end);
}

/** `--help` or `-h` among the options: the command should print its usage. */
export function wantsHelp(argv: readonly string[]): boolean {
  return optionArgs(argv).some((a) => a === '--help' || a === '-h');
}

/** The long flags among the options, by name (`--lr=0.1` gives `lr`). */
export function flagsGiven(argv: readonly string[]): Set<string> {
  return new Set(optionArgs(argv).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!));
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
