/**
 * Child process for the kill -9 test: starts (or resumes) a loop and prints one line per event, so the parent
 * can kill it at a chosen moment. Argument: JSON { workspaceDir, config } or { workspaceDir, resume }, and `ahead`: propose rounds ahead on a worker
 * (loop/ahead.ts) or not.
 */
import { openStore } from '../../../src/engine/store/index.js';
import { resumeLoop, startLoop } from '../../../src/engine/loop/index.js';

const arg = JSON.parse(process.argv[2]!) as { workspaceDir: string; config?: object; resume?: string; ahead?: boolean };
const store = openStore({ workspaceDir: arg.workspaceDir });
const onEvent = (e: { type: string; stage?: string; phase?: string }) => process.stdout.write(`EVENT ${e.type} ${e.stage ?? ''} ${e.phase ?? ''}\n`);
const options = { onEvent, ...(arg.ahead !== undefined ? { proposeAhead: arg.ahead } : {}) };
const handle = arg.resume ? await resumeLoop(store, arg.resume, options) : await startLoop(store, arg.config ?? {}, options);
process.stdout.write(`RUN ${handle.runId}\n`);
const run = await handle.done;
process.stdout.write(`DONE ${run.status} ${run.error ?? ''}\n`);
store.close();
