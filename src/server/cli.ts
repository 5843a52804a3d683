/**
 * `npm run serve -- [--workspace DIR] [--port N] [--readonly]` — the workbench in a browser: the engine host and
 * the built renderer on http://127.0.0.1:<port>/ (loopback only; default port 5174, workspace as for the CLI).
 * Run as `node --import tsx` rather than through the tsx command: tsx's wrapper SIGKILLs its child when it does
 * not acknowledge Ctrl-C within 30 ms, which a loop busy in a training step cannot, and the run would be left
 * "running" instead of paused.
 */
import { runCli } from '../engine/cli/main.js';
import { SERVE_USAGE, parseServeArgs, serve } from './serve.js';

runCli(() => serve(parseServeArgs(process.argv.slice(2))), SERVE_USAGE);
