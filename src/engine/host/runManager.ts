/**
 * Runs this host executes: one at a time, through its LoopEngine: in this process (the Electron utility process,
 * itself off the UI thread) or in a child process per run (browser mode: loopEngine.ts › processLoopEngine, so the
 * server's event loop never waits on a run). Each run writes through its own store connection, so the loop's
 * transactions never interleave with the host's queries, and the watcher sees its commits like any writer's.
 * Stopping aborts the loop's signal: the loop stops at its next safe point and leaves the run `paused`.
 */
import { describeError } from '../../shared/errors.js';
import type { LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import type { RunRecord } from '../../shared/records.js';
import { isDiskFull } from '../store/errors.js';
import { getRun } from '../store/runs.js';
import { openStore, type Store } from '../store/store.js';
import { HostError } from './errors.js';
import type { LoopEngine, LoopHandle, LoopRunOptions } from './loopEngine.js';

/** How long `stopRun` waits for the loop to reach a safe point before answering (the run keeps stopping after). */
export const STOP_WAIT_MS = 30_000;
/** How long closing the host waits for a running loop to pause before the process goes anyway. */
export const CLOSE_WAIT_MS = 10_000;

export interface RunManagerOptions {
  workspaceDir: string;
  writable: boolean;
  engine: () => Promise<LoopEngine>;
  emit: (event: LoopEvent) => void;
  /** Called once a run stopped executing here (its store connection is closed by then). */
  onSettled?: (runId: string) => void;
}

interface ActiveRun {
  runId: string;
  controller: AbortController;
  store: Store;
  /** Settles (never rejects) when the loop has stopped executing. */
  settled: Promise<void>;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });

export class RunManager {
  private active: ActiveRun | undefined;
  /** Set while a start or resume is between its checks and the loop's answer, so two cannot race. */
  private starting = false;

  constructor(private readonly options: RunManagerOptions) {}

  /** Whether the run is executing in this host (its events come from the loop itself, not the watcher). */
  isExecuting(runId: string): boolean {
    return this.active?.runId === runId;
  }

  get activeRunId(): string | undefined {
    return this.active?.runId;
  }

  async start(input: LoopConfigInput): Promise<{ runId: string }> {
    const runId = await this.launch('start a run', (engine, store, opts) => engine.startLoop(store, input, opts));
    return { runId };
  }

  async resume(runId: string, readRun: (id: string) => RunRecord): Promise<void> {
    // Reading first turns a mistyped id into "no run" before any connection or loop is started.
    readRun(runId);
    await this.launch(`resume run ${runId}`, (engine, store, opts) => engine.resumeLoop(store, runId, opts));
  }

  /**
   * Asks the run to pause and waits (up to STOP_WAIT_MS) until it has. A run this host does not execute is
   * left alone: stopping one that another process runs is that process's business, and one that is not
   * running is already stopped.
   */
  async stop(runId: string, readRun: (id: string) => RunRecord): Promise<void> {
    const active = this.active;
    if (active?.runId === runId) {
      active.controller.abort();
      await Promise.race([active.settled, sleep(STOP_WAIT_MS)]);
      return;
    }
    const run = readRun(runId);
    if (run.status === 'running' || run.status === 'queued') {
      throw new HostError('elsewhere', `run "${run.name}" (${runId}) is ${run.status} in another process; stop it there (this workbench only stops runs it started)`);
    }
  }

  /** Pauses the running loop (if any) and waits for it, so the run is left resumable when the app quits. */
  async close(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.controller.abort();
    await Promise.race([active.settled, sleep(CLOSE_WAIT_MS)]);
  }

  private async launch(what: string, begin: (engine: LoopEngine, store: Store, options: LoopRunOptions) => Promise<LoopHandle>): Promise<string> {
    const { workspaceDir, writable } = this.options;
    if (!writable) throw new HostError('readonly', `cannot ${what}: the workspace ${workspaceDir} is open read-only (start the workbench without --readonly to run the loop)`);
    if (this.active || this.starting) {
      const id = this.active?.runId;
      throw new HostError('busy', `cannot ${what}: ${id ? `run ${id} is` : 'another run is being'} started or running in this workbench; stop it first`);
    }
    this.starting = true;
    let store: Store | undefined;
    try {
      const engine = await this.options.engine();
      store = openStore({ workspaceDir });
      const controller = new AbortController();
      const emit = this.options.emit;
      const handle = await begin(engine, store, { onEvent: emit, signal: controller.signal });
      const runStore = store;
      const settled = handle.done.then(
        () => undefined,
        (e: unknown) => {
          const message = describeError(e);
          if (isDiskFull(e)) {
            // The disk filled so far that the loop could not even record its pause: the run has stopped, and the
            // store still says running, which resume accepts once there is space again.
            emit({ type: 'log', runId: handle.runId, level: 'error', message: `${message}; free space, then resume the run` });
            emit({ type: 'run', runId: handle.runId, status: 'paused', message: `${message}; free space, then resume the run` });
            return;
          }
          // The loop records its own failures; this is for a loop that threw past its own handling.
          emit({ type: 'log', runId: handle.runId, level: 'error', message: `the run stopped unexpectedly: ${message}` });
          emit({ type: 'run', runId: handle.runId, status: safeStatus(runStore, handle.runId), message });
        },
      );
      this.active = {
        runId: handle.runId,
        controller,
        store,
        settled: settled.finally(() => {
          runStore.close();
          if (this.active?.runId === handle.runId) this.active = undefined;
          this.options.onSettled?.(handle.runId);
        }),
      };
      store = undefined; // owned by the active run now
      return handle.runId;
    } finally {
      this.starting = false;
      store?.close();
    }
  }
}

function safeStatus(store: Store, runId: string): RunRecord['status'] {
  try {
    return getRun(store, runId).status;
  } catch {
    return 'failed';
  }
}
