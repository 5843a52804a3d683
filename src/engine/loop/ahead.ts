/**
 * Proposing a round ahead. Round k + 1's questions depend only on the scenes, the seed and the controller's
 * decision after round k (its mix), never on round k's training or evaluation, so a worker thread drafts and
 * filters them while this thread trains and scores round k (and round 0's while the held-out benchmark is made).
 * The propose stage then takes them instead of proposing itself, and commits them as before: what is stored, and
 * when, is unchanged; a stop or a crash loses only the work ahead, which the resumed stage redoes inline from the
 * same inputs to the same questions (the pipeline is deterministic: test/engine/loop/ahead.test.ts).
 *
 * Worth it only where a core is free for it (`aheadByDefault`).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LoopConfig } from '../../shared/loop.js';
import type { Scene } from '../../shared/scene.js';
import { defaultThreads } from '../solver/solver.js';
import type { ProposalRequest } from '../proposer/proposer.js';
import type { QA } from '../proposer/types.js';
import { workerEntry, type WorkerEntry } from './workers.js';

/** Loop thread → worker: one round's proposal input. */
export interface AheadRequest {
  id: number;
  requests: ProposalRequest[];
  seed: number;
}

/** Worker → loop thread. */
export type AheadReply = { id: number; ok: true; qa: QA[]; ms: number } | { id: number; ok: false; message: string };

/** What a round ahead came to: its questions and the worker's time for them. */
export interface AheadRound {
  qa: QA[];
  ms: number;
}

/**
 * On by default where a core is free for it: on CUDA (training and answering run on the device, the loop's thread
 * mostly waits), or when training's intra-op threads leave a core over. Not when they take every core, as they do on
 * the CPU by default: then the worker's work only moves between busy cores (five pairs of main jobs on two cores read
 * no difference: README › The main job's time), at the risk of slowing onnxruntime's kernels, which wait for their
 * slowest thread.
 */
export function aheadByDefault(config: Pick<LoopConfig, 'executionProvider' | 'threads'>): boolean {
  if (config.executionProvider === 'cuda') return true;
  return availableParallelism() > (config.threads > 0 ? config.threads : defaultThreads());
}

/** The proposal worker's entry (workers.ts); electron.vite.config.ts emits `proposalWorker.js` beside the engine host's bundle. */
export const proposalWorkerEntry = (): WorkerEntry | undefined => workerEntry(new URL('./proposalWorker.ts', import.meta.url), new URL('./proposalWorker.js', import.meta.url));

const sameInput = (a: Omit<AheadRequest, 'id'>, b: Omit<AheadRequest, 'id'>): boolean => a.seed === b.seed && JSON.stringify(a.requests) === JSON.stringify(b.requests);

export class ProposalAhead {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: AheadRound) => void; reject: (e: Error) => void }>();
  private readonly rounds = new Map<number, { input: Omit<AheadRequest, 'id'>; result: Promise<AheadRound> }>();
  private failure: Error | undefined;

  /** `scenes`: the training scenes as the loop's thread has them (copied to the worker once, on the first request). */
  constructor(private readonly scenes: () => Scene[]) {}

  /** Starts proposing round `k` on the worker; a later `take(k, …)` with the same input gets the result. */
  start(k: number, input: Omit<AheadRequest, 'id'>): void {
    if (this.rounds.has(k)) return;
    const result = this.post(input);
    // Nobody may take it (a stop first): its failure is reported by `take`, never as an unhandled rejection.
    result.catch(() => undefined);
    this.rounds.set(k, { input, result });
  }

  /**
   * Round k's questions if they were started ahead with this very input; undefined if not (then the caller
   * proposes itself). Rejects when the worker failed, saying why; the caller falls back the same way.
   */
  take(k: number, input: Omit<AheadRequest, 'id'>): Promise<AheadRound> | undefined {
    const r = this.rounds.get(k);
    this.rounds.delete(k);
    if (!r) return undefined;
    if (!sameInput(r.input, input)) return Promise.reject(new Error(`round ${k} was proposed ahead from other requests than its stage asks for`));
    return r.result;
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.fail(new Error('proposing ahead stopped: the loop is done with it'));
    await w?.terminate();
  }

  private post(input: Omit<AheadRequest, 'id'>): Promise<AheadRound> {
    if (this.failure) return Promise.reject(this.failure);
    const worker = this.worker ?? this.spawn();
    if (!worker) return Promise.reject(this.failure ?? new Error('no proposal worker'));
    const id = this.nextId++;
    return new Promise<AheadRound>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...input } satisfies AheadRequest);
    });
  }

  private spawn(): Worker | undefined {
    const at = proposalWorkerEntry();
    if (!at) {
      this.failure = new Error('the proposal worker is not beside the loop in this build');
      return undefined;
    }
    // Not unref'd: while the loop awaits a round from it, the worker is what keeps the process alive. The loop's
    // context disposes it on every way out (run.ts › drive).
    const worker = new Worker(at.url, { workerData: { entry: at.entry, scenes: this.scenes() } });
    worker.on('message', (m: AheadReply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!w) return;
      if (m.ok) w.resolve({ qa: m.qa, ms: m.ms });
      else w.reject(new Error(`the proposal worker failed: ${m.message}`));
    });
    worker.on('error', (e) => this.fail(new Error(`the proposal worker failed: ${e.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`the proposal worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
