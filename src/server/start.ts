/**
 * `npm start -- [--workspace DIR] [--readonly] [--port N]` — the desktop app: builds out/ when it is missing or
 * stale, then launches Electron on it. Where Electron cannot start (its binary was never downloaded, or Linux
 * has no display) it says why in one line and starts browser mode instead, the same workbench served on
 * http://127.0.0.1:<port>/ (`--port` applies only then).
 */
import { spawn } from 'node:child_process';
import { runCli } from '../engine/cli/main.js';
import { buildApp, buildNeeded } from './appBuild.js';
import { displayProblem, findElectronBinary } from './electronBinary.js';
import { APP_ROOT } from './paths.js';
import { parseServeArgs, serve, type ServeOptions } from './serve.js';

const USAGE = `usage: npm start -- [--workspace DIR] [--readonly] [--port N]
  the desktop app (built first when out/ is missing or stale); where Electron cannot start, the same workbench in
  browser mode on http://127.0.0.1:<port>/ (--port applies only then)`;

function ensureBuilt(): void {
  const why = buildNeeded();
  if (!why) return;
  process.stdout.write(`building the app (${why})…\n`);
  buildApp();
}

async function browserMode(options: ServeOptions, reason: string): Promise<void> {
  process.stdout.write(`Electron cannot start here: ${reason}.\nStarting browser mode instead (the same workbench; \`npm run serve\` starts it directly).\n`);
  ensureBuilt();
  await serve(options);
}

function launchElectron(binary: string, argv: string[]): Promise<number | 'failed-to-start'> {
  return new Promise((resolve) => {
    const child = spawn(binary, [APP_ROOT, ...argv], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
    child.once('error', () => resolve('failed-to-start'));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    // Ctrl-C in the terminal reaches Electron too (same process group); it quits through its own handlers.
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => {});
  });
}

runCli(async () => {
  const argv = process.argv.slice(2);
  const options = parseServeArgs(argv);
  const electron = findElectronBinary();
  if (!electron.ok) return browserMode(options, electron.reason);
  const noDisplay = displayProblem();
  if (noDisplay) return browserMode(options, noDisplay);
  ensureBuilt();
  const electronArgs = argv.filter((a, i) => !(a === '--port' || a.startsWith('--port=') || argv[i - 1] === '--port'));
  const result = await launchElectron(electron.path, electronArgs);
  if (result === 'failed-to-start') return browserMode(options, `${electron.path} could not be executed`);
  process.exitCode = result;
}, USAGE);
