/**
 * Inference on several cores at once, with the same bits as one session. onnxruntime-node runs a session on
 * the calling thread, and one session spread over intra-op threads splits each small kernel of a batch (two
 * lanes answered 2,830 samples/s here, one session on two threads 2,030). So the pool runs whole batches side
 * by side instead: one worker thread per lane (predictorWorker.mjs), each with a session built from the same
 * model, and a batch gives the same outputs whichever lane runs it, on however many threads (kBlocks.ts).
 * Batches are stacked on the calling thread while the lanes compute.
 */
import { Worker } from 'node:worker_threads';
import type { BuiltModel, InferenceManifest } from './model.js';
import { type Batch, type Feed, type SessionConfig, checkFeed, sessionOptions } from './runtime.js';

type Reply = { id: number; error?: string; outputs?: Record<string, Feed> };

/**
 * Batches a lane holds: the one it runs and the next, stacked meanwhile, so it never waits for this thread; more
 * would only lengthen the tail where one lane finishes alone.
 */
const LANE_QUEUE = 2;

/** A worker thread and its requests in flight. */
class Lane {
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private lost: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly index: number,
  ) {
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) this.worker.unref();
      if (r.error !== undefined) p.reject(new Error(`inference worker ${this.index}: ${r.error}`));
      else p.resolve(r);
    });
    // Without an 'error' listener a worker's failure would be rethrown in the host; pending requests get it.
    worker.on('error', (e: unknown) => this.fail(`failed: ${e instanceof Error ? e.message : String(e)}`));
    worker.on('exit', (code: number) => this.fail(`exited with code ${code}`));
    // An idle pool must not keep the process alive.
    worker.unref();
  }

  private fail(reason: string): void {
    this.lost ??= new Error(`inference worker ${this.index} ${reason}`);
    for (const p of this.pending.values()) p.reject(this.lost);
    this.pending.clear();
  }

  /** Starts the worker and waits for its session (id 0 answers the boot). */
  static start(index: number, boot: object): Promise<Lane> {
    const worker = new Worker(new URL('./predictorWorker.mjs', import.meta.url), {
      workerData: boot,
      // The host's loaders (tsx, test transformers) have no business in the worker.
      execArgv: [],
    });
    const lane = new Lane(worker, index);
    return lane.awaitReply(0).then(() => lane);
  }

  request(message: { type: 'params'; params: Record<string, Float32Array> } | { type: 'run'; batch: Record<string, Feed> }): Promise<Reply> {
    const id = this.nextId++;
    const reply = this.awaitReply(id);
    this.worker.postMessage({ ...message, id });
    return reply;
  }

  private awaitReply(id: number): Promise<Reply> {
    if (this.lost) return Promise.reject(this.lost);
    this.worker.ref();
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  terminate(): Promise<number> {
    this.lost ??= new Error(`inference worker ${this.index} was disposed`);
    return this.worker.terminate();
  }
}

export class PredictorPool {
  private constructor(
    private readonly lanes: Lane[],
    readonly manifest: InferenceManifest,
  ) {}

  /** `size` workers, each with a session of `model` made with `options` (those of the in-process predictor). */
  static async create(model: BuiltModel<InferenceManifest>, options: SessionConfig, size: number): Promise<PredictorPool> {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a predictor pool needs a positive whole number of workers, got ${size}`);
    const m = model.manifest;
    const boot = {
      bytes: model.bytes,
      options: sessionOptions(options),
      inputs: m.inputs.map((s) => ({ name: s.name, dtype: s.dtype, shape: [...s.shape] })),
      params: m.params.map((p) => ({ name: p.name, dtype: 'float32', shape: [...p.shape] })),
      outputs: m.outputs.map((o) => o.name),
    };
    const started = await Promise.allSettled(Array.from({ length: size }, (_, i) => Lane.start(i, boot)));
    const lanes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(lanes.map((l) => l.terminate()));
      throw failed.reason;
    }
    return new PredictorPool(lanes, m);
  }

  /**
   * Runs batches 0 … count−1 with `params`, `batchAt(i)` building batch i on this thread while the lanes
   * compute; `read(i, outputs)` gets each batch's outputs as it finishes (in any order).
   */
  async runAll(
    count: number,
    batchAt: (i: number) => Batch,
    params: ReadonlyMap<string, Float32Array>,
    read: (i: number, outputs: Record<string, Feed>) => void,
  ): Promise<void> {
    const m = this.manifest;
    const values = Object.fromEntries(m.params.map((p) => [p.name, checkFeed({ name: p.name, dtype: 'float32', shape: p.shape }, params.get(p.name)) as Float32Array]));
    // Structured cloning copies the parameters: a trainer's later steps cannot change them under a run.
    await Promise.all(this.lanes.map((l) => l.request({ type: 'params', params: values })));
    let next = 0;
    let failed = false;
    const take = (): { i: number; batch: Record<string, Feed> } | undefined => {
      if (failed || next >= count) return undefined;
      const i = next++;
      const batch = batchAt(i);
      return { i, batch: Object.fromEntries(m.inputs.map((s) => [s.name, checkFeed(s, batch[s.name])])) };
    };
    const lane = async (l: Lane): Promise<void> => {
      const queued: { i: number; reply: Promise<Reply> }[] = [];
      for (;;) {
        // The next batches are stacked while the lane runs the first.
        for (let job = queued.length < LANE_QUEUE ? take() : undefined; job; job = queued.length < LANE_QUEUE ? take() : undefined) {
          const reply = l.request({ type: 'run', batch: job.batch });
          // Queued replies are awaited in turn; one failing first must not leave the others unhandled.
          reply.catch(() => undefined);
          queued.push({ i: job.i, reply });
        }
        const head = queued.shift();
        if (!head) return;
        read(head.i, (await head.reply).outputs!);
      }
    };
    try {
      await Promise.all(this.lanes.map(lane));
    } catch (e) {
      failed = true;
      throw e;
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.terminate()));
  }
}
