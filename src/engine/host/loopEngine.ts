/**
 * What the host needs from the closed loop (src/engine/loop): starting or resuming a run. An interface so tests
 * can drive the RunManager with a scripted loop, and so the loop (its solver, onnxruntime) is only loaded when a
 * host first starts a run. Two real engines: `loadLoopEngine` runs the loop in the host's own process;
 * `processLoopEngine` runs each run in a child process (loopProcess.ts), so a run of any size never holds up the
 * process answering requests (browser mode's server).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import { LOOP_NODE_FLAGS } from '../loop/nodeFlags.js';
import type { RunRecord } from '../../shared/records.js';
import type { Store } from '../store/store.js';
import { fromErrorPayload, type ErrorPayload } from './errors.js';

export interface LoopRunOptions {
  onEvent?: (event: LoopEvent) => void;
  /** Aborting stops the run at its next safe point and leaves it `paused` (resumable). */
  signal?: AbortSignal;
}

export interface LoopHandle {
  runId: string;
  /** Settles when the run completes, pauses or fails. */
  done: Promise<RunRecord>;
}

export interface LoopEngine {
  /** Returns as soon as the run's row exists; throws InputError naming the setting for bad settings. */
  startLoop(store: Store, input: LoopConfigInput, options: LoopRunOptions): Promise<LoopHandle>;
  resumeLoop(store: Store, runId: string, options: LoopRunOptions): Promise<LoopHandle>;
}

/** The real loop, imported on first use. */
export async function loadLoopEngine(): Promise<LoopEngine> {
  const loop = await import('../loop/index.js');
  return { startLoop: loop.startLoop, resumeLoop: loop.resumeLoop };
}

/** Parent → loop process. */
export type ToLoopProcess =
  | { type: 'start'; workspaceDir: string; input: LoopConfigInput }
  | { type: 'resume'; workspaceDir: string; runId: string }
  | { type: 'stop' };

/** Loop process → parent. */
export type FromLoopProcess =
  | { type: 'started'; runId: string }
  | { type: 'event'; event: LoopEvent }
  | { type: 'done'; run: RunRecord }
  | { type: 'failed'; error: ErrorPayload };

/**
 * The child's entry and the Node flags to run it: the built `.js` beside this module when bundled, else the
 * TypeScript source through tsx (resolved to a path, so the child finds it whatever its working directory); the
 * loop's heap flags either way (loop/nodeFlags.ts).
 */
export function loopProcessEntry(): { modulePath: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const modulePath = here.replace(/loopEngine\.(ts|js|mjs)$/, (_m, ext: string) => `loopProcess.${ext}`);
  if (!modulePath.endsWith('.ts')) return { modulePath, execArgv: [...LOOP_NODE_FLAGS] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { modulePath, execArgv: [...LOOP_NODE_FLAGS, '--import', tsx] };
}

/** What ended a loop process before it said how its run ended. */
function exitedEarly(code: number | null, signal: NodeJS.Signals | null, runId?: string): Error {
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  return new Error(`the loop process ${how}${runId ? `; run ${runId} stays resumable from its last completed stage` : ''}`);
}

function launch(command: Extract<ToLoopProcess, { type: 'start' | 'resume' }>, options: LoopRunOptions): Promise<LoopHandle> {
  const { modulePath, execArgv } = loopProcessEntry();
  // advanced serialization: structured clone, so events with typed arrays or Maps cross unchanged.
  const child: ChildProcess = fork(modulePath, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<LoopHandle>((resolveStart, rejectStart) => {
    let runId: string | undefined;
    let settle: { resolve: (r: RunRecord) => void; reject: (e: Error) => void } | undefined;
    let outcome: { run: RunRecord } | { error: Error } | undefined;
    const finish = (o: { run: RunRecord } | { error: Error }): void => {
      if (outcome) return;
      outcome = o;
      if (!runId) {
        rejectStart('error' in o ? o.error : new Error('the loop process ended before its run started'));
        return;
      }
      if (settle) {
        if ('run' in o) settle.resolve(o.run);
        else settle.reject(o.error);
      }
    };
    const stop = (): void => {
      if (child.connected) child.send({ type: 'stop' } satisfies ToLoopProcess);
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('message', (m: FromLoopProcess) => {
      switch (m.type) {
        case 'started': {
          runId = m.runId;
          const done = new Promise<RunRecord>((resolve, reject) => {
            settle = { resolve, reject };
            if (outcome) finish(outcome);
          });
          resolveStart({ runId, done });
          break;
        }
        case 'event':
          try {
            options.onEvent?.(m.event);
          } catch {
            // A listener's failure must not stop the run.
          }
          break;
        case 'done':
          finish({ run: m.run });
          break;
        case 'failed':
          finish({ error: fromErrorPayload(m.error) });
          break;
      }
    });
    child.on('error', (e) => finish({ error: e }));
    // 'close', not 'exit': it comes after the last IPC message was delivered, so a `done` sent just before exiting is not
    // mistaken for a crash.
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', stop);
      finish({ error: exitedEarly(code, signal, runId) });
    });
    child.send(command);
    if (options.signal?.aborted) stop();
  });
}

/**
 * Runs each run in its own child process (loopProcess.ts). `store` only names the workspace: the child opens
 * its own connection. Aborting the signal asks the child to pause the run at its next safe point.
 */
export const processLoopEngine: LoopEngine = {
  startLoop: (store, input, options) => launch({ type: 'start', workspaceDir: store.workspaceDir, input }, options),
  resumeLoop: (store, runId, options) => launch({ type: 'resume', workspaceDir: store.workspaceDir, runId }, options),
};
