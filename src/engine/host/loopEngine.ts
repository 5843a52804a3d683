/**
 * What the host needs from the closed loop (src/engine/loop): starting or resuming a run that executes in this
 * process. An interface so tests can drive the RunManager with a scripted loop, and so the loop (its solver,
 * onnxruntime) is only loaded when a host first starts a run.
 */
import type { LoopConfigInput, LoopEvent } from '../../shared/loop.js';
import type { RunRecord } from '../../shared/records.js';
import type { Store } from '../store/store.js';

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
