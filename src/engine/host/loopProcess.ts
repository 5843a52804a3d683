/**
 * The child process a run executes in when the host uses `processLoopEngine` (loopEngine.ts): the whole loop
 * (scene loading, the sandbox, onnxruntime sessions, training) runs here, so none of its synchronous work can hold
 * up the process that answers the workbench's requests. One run per process; the process exits when the run
 * stops. It writes through its own store connection, as any second process may (store/sweep.ts, leases).
 *
 * Messages: the parent sends one `start` or `resume`, then at most a `stop`; this side answers `started` (or
 * `failed` before it), events while running, and `done` (or `failed`). A parent that goes away counts as `stop`:
 * the run pauses at its next safe point rather than dying mid-round.
 */
import type { LoopEvent } from '../../shared/loop.js';
import { resumeLoop, startLoop } from '../loop/run.js';
import { openStore, type Store } from '../store/store.js';
import { toErrorPayload } from './errors.js';
import type { FromLoopProcess, ToLoopProcess } from './loopEngine.js';

const controller = new AbortController();
let begun = false;

function send(message: FromLoopProcess): void {
  // After the parent went away there is no one to tell; the run's rows say how it ended.
  if (process.connected) process.send!(message);
}

async function execute(command: Extract<ToLoopProcess, { type: 'start' | 'resume' }>): Promise<void> {
  let store: Store | undefined;
  try {
    store = openStore({ workspaceDir: command.workspaceDir });
    const options = { onEvent: (event: LoopEvent) => send({ type: 'event', event }), signal: controller.signal };
    const handle = command.type === 'start' ? await startLoop(store, command.input, options) : await resumeLoop(store, command.runId, options);
    send({ type: 'started', runId: handle.runId });
    const run = await handle.done;
    send({ type: 'done', run });
  } catch (e) {
    send({ type: 'failed', error: toErrorPayload(e) });
  } finally {
    store?.close();
  }
}

process.on('message', (message: ToLoopProcess) => {
  if (message.type === 'stop') controller.abort();
  else if (!begun) {
    begun = true;
    void execute(message).finally(() => {
      process.disconnect?.();
      // Let the last messages flush; nothing else keeps this process alive once the run has stopped.
      setTimeout(() => process.exit(0), 50).unref();
    });
  }
});
process.on('disconnect', () => controller.abort());
