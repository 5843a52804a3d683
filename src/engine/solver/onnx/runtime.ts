/**
 * Drives the emitted models with onnxruntime-node: seeded parameter initialisation, train steps that feed each
 * call's updated parameters and AdamW moments back in as the next call's inputs, inference with the current
 * parameters, and copies of the whole state for checkpoints.
 *
 * Transfer cost. onnxruntime-node reads inputs in place from JS memory but returns every output as a new
 * JS array, so each call moves params + m + v (12 MB for a 1M-parameter model) out of the runtime — about a
 * tenth of a step at that size (bench/onnxStep.ts). By default the trainer hands onnxruntime preallocated,
 * double-buffered output tensors (the arrays fed as inputs this call receive the outputs of the next), which
 * spares fresh allocations and their page faults; the binding still returns its own copies, which are
 * dropped. stepsPerRun > 1 (an ONNX Loop) moves the state once per call instead of once per step.
 */
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { createRng } from '../../../shared/random.js';
import type { DType } from './graph.js';
import type { BuiltModel, InferenceManifest, ParamSpec, TensorSpec, TrainManifest } from './model.js';
import { numel } from './shape.js';

export type Feed = Float32Array | BigInt64Array | Int32Array | Uint8Array;
export type Batch = Readonly<Record<string, Feed>>;

export interface SessionConfig {
  /** Passed to onnxruntime as is; default ['cpu']. The CUDA provider is exercised by `npm run gpu-check`. */
  executionProviders?: readonly string[];
  intraOpNumThreads?: number;
  /**
   * onnxruntime's CPU memory arena (default on). Off, every run mallocs its intermediates afresh: measured
   * 3× slower per step at batch 64 on the benchmark model.
   */
  cpuMemArena?: boolean;
  /**
   * Whether onnxruntime's intra-op worker threads busy-wait for work between kernels (its default, true).
   * Spinning saves a wake-up per kernel on an idle machine; on one whose cores are shared with other jobs the
   * spinning threads take time the other threads of the same step need (bench/solver.ts measures both).
   * Scheduling only: results are identical either way.
   */
  allowSpinning?: boolean;
}

export interface TrainerOptions extends SessionConfig {
  /** Seeds parameter initialisation; each parameter draws from its own named stream. */
  seed: number;
  /** Receive updated state into preallocated double buffers (default true). */
  reuseOutputBuffers?: boolean;
}

export interface StepResult {
  /** Mean loss over the steps of this call. */
  loss: number;
  /** Loss per optimizer step made by this call (length stepsPerRun). */
  losses: Float32Array;
  /** Answer-token log-probabilities, [stepsPerRun × per-step shape] flattened. */
  perSampleLogProbs: Float32Array;
  gradNorms: Float32Array;
}

export interface TrainState {
  /** Optimizer updates made so far. */
  step: number;
  params: Record<string, Float32Array>;
  m: Record<string, Float32Array>;
  v: Record<string, Float32Array>;
}

const ARRAY_OF: Record<DType, string> = { float32: 'Float32Array', int64: 'BigInt64Array', int32: 'Int32Array', bool: 'Uint8Array' };

/** Seeded initial values for each parameter, independent of declaration order (a stream per name). */
export function initParams(params: readonly ParamSpec[], seed: number): Map<string, Float32Array> {
  const root = createRng(seed);
  const out = new Map<string, Float32Array>();
  for (const p of params) {
    const rng = root.fork(p.name);
    const a = new Float32Array(numel(p.shape));
    const i = p.init;
    switch (i.kind) {
      case 'zeros':
        break;
      case 'ones':
        a.fill(1);
        break;
      case 'constant':
        a.fill(i.value);
        break;
      case 'normal':
        for (let j = 0; j < a.length; j++) a[j] = (i.mean ?? 0) + i.std * rng.normal();
        break;
      case 'uniform':
        for (let j = 0; j < a.length; j++) a[j] = rng.range(i.low, i.high);
        break;
    }
    out.set(p.name, a);
  }
  return out;
}

/**
 * onnxruntime's session configuration entries for the engine's sessions. Every one of them flushes denormals to
 * zero (`session.set_denormal_as_zero`). The attention softmax turns each masked key (bias −1e9) into a
 * denormal weight, exp(−103.97) from MLAS's clamped exponential, and on Intel cores every denormal result costs a
 * microcode assist: on an Emerald Rapids Xeon the two softmaxes took 12% of a train step, and flushing made an
 * inference batch 31% faster (README, Solver). Flushed, the masked weights are 0 instead of ~1e-45 and every
 * answer, loss, parameter and first moment comes out the same (the main job's rows and checkpoints compared);
 * AdamW's second moments differ only in entries below ~1e-35, where g² underflowed or a denormal was added (700
 * of 187,564 in the main job, the largest 3.3e-36), and those cannot change an update: √(v / (1 − β2^t)) stays
 * near 1e-18, under half an ulp of ε = 1e-8 (4.4e-16), so the update's denominator is ε either way.
 *
 * The setting is the process's, not the session's: onnxruntime applies it to its pools' threads and, once per
 * process, to the thread that creates the first session, and threads created later (the inference lanes'
 * workers) inherit that thread's mode; JavaScript on it computes with flushed denormals too (Math.exp(−740)
 * is 0 afterwards). So every session the engine makes carries it, whichever comes first.
 */
export function sessionExtra(config: Pick<SessionConfig, 'allowSpinning'> = {}): InferenceSession.SessionOptions['extra'] {
  return { session: { set_denormal_as_zero: '1', ...(config.allowSpinning === false ? { intra_op: { allow_spinning: '0' } } : {}) } };
}

/** onnxruntime's options for a session of `config`: the in-process sessions' and every pool worker's alike. */
export function sessionOptions(config: SessionConfig): InferenceSession.SessionOptions {
  return {
    executionProviders: [...(config.executionProviders ?? ['cpu'])],
    enableCpuMemArena: config.cpuMemArena ?? true,
    graphOptimizationLevel: 'all',
    ...(config.intraOpNumThreads !== undefined ? { intraOpNumThreads: config.intraOpNumThreads } : {}),
    extra: sessionExtra(config),
  };
}

/** `data`, checked against `spec`: present, of the spec's array type and size. */
export function checkFeed(spec: TensorSpec, data: Feed | undefined, shape: readonly number[] = spec.shape): Feed {
  if (!data) throw new Error(`missing input "${spec.name}"`);
  if (data.constructor.name !== ARRAY_OF[spec.dtype]) {
    throw new TypeError(`input "${spec.name}" must be a ${ARRAY_OF[spec.dtype]} (${spec.dtype}), got ${data.constructor.name}`);
  }
  if (data.length !== numel(shape)) throw new RangeError(`input "${spec.name}" needs ${numel(shape)} values for [${shape.join(', ')}], got ${data.length}`);
  return data;
}

function feedTensor(spec: TensorSpec, data: Feed | undefined, shape: readonly number[] = spec.shape): OrtTensor {
  return new OrtTensor(spec.dtype, checkFeed(spec, data, shape) as Float32Array, [...shape]);
}

const f32 = (shape: readonly number[], data: Float32Array): OrtTensor => new OrtTensor('float32', data, [...shape]);

function outputData(results: InferenceSession.ReturnType, name: string): Float32Array {
  const t = results[name];
  if (!t) throw new Error(`onnxruntime returned no "${name}"`);
  return t.data as Float32Array;
}

/** One set of parameters and moments; the trainer keeps two and alternates. */
interface Bank {
  params: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  tensors: { params: OrtTensor[]; m: OrtTensor[]; v: OrtTensor[] };
}

function makeBank(params: readonly ParamSpec[], values?: { params: Float32Array[]; m: Float32Array[]; v: Float32Array[] }): Bank {
  const fresh = (): Float32Array[] => params.map((p) => new Float32Array(numel(p.shape)));
  const bank = { params: values?.params ?? fresh(), m: values?.m ?? fresh(), v: values?.v ?? fresh() };
  const wrap = (arrays: Float32Array[]): OrtTensor[] => arrays.map((a, i) => f32(params[i]!.shape, a));
  return { ...bank, tensors: { params: wrap(bank.params), m: wrap(bank.m), v: wrap(bank.v) } };
}

export class OnnxTrainer {
  private current: Bank;
  private spare: Bank | undefined;
  private updates = 0;

  private constructor(
    private readonly session: InferenceSession,
    readonly manifest: TrainManifest,
    initial: Map<string, Float32Array>,
    reuse: boolean,
  ) {
    const params = manifest.params;
    this.current = makeBank(params, {
      params: params.map((p) => initial.get(p.name)!),
      m: params.map((p) => new Float32Array(numel(p.shape))),
      v: params.map((p) => new Float32Array(numel(p.shape))),
    });
    this.spare = reuse ? makeBank(params) : undefined;
  }

  static async create(model: BuiltModel<TrainManifest>, options: TrainerOptions): Promise<OnnxTrainer> {
    const session = await InferenceSession.create(model.bytes, sessionOptions(options));
    return new OnnxTrainer(session, model.manifest, initParams(model.manifest.params, options.seed), options.reuseOutputBuffers ?? true);
  }

  /** Optimizer updates made so far. */
  get step(): number {
    return this.updates;
  }

  /**
   * Runs stepsPerRun optimizer steps on `batch` (each input stacked along a leading axis when stepsPerRun >
   * 1) at learning rate `lr`.
   */
  async train(batch: Batch, lr: number): Promise<StepResult> {
    const m = this.manifest;
    const k = m.stepsPerRun;
    const feeds: Record<string, OrtTensor> = {};
    for (const spec of m.inputs) feeds[spec.name] = feedTensor(spec, batch[spec.name]);
    const cur = this.current;
    m.params.forEach((p, i) => {
      feeds[p.name] = cur.tensors.params[i]!;
      feeds[p.m] = cur.tensors.m[i]!;
      feeds[p.v] = cur.tensors.v[i]!;
    });
    feeds[m.step] = new OrtTensor('int64', BigInt64Array.of(BigInt(this.updates + 1)), []);
    feeds[m.lr] = new OrtTensor('float32', Float32Array.of(lr), []);

    const fetches: Record<string, OrtTensor | null> = {
      [m.loss.name]: null,
      [m.perSampleLogProbs.name]: null,
      [m.gradNorm.name]: null,
    };
    const spare = this.spare;
    m.params.forEach((p, i) => {
      fetches[p.next.param] = spare ? spare.tensors.params[i]! : null;
      fetches[p.next.m] = spare ? spare.tensors.m[i]! : null;
      fetches[p.next.v] = spare ? spare.tensors.v[i]! : null;
    });
    const results = await this.session.run(feeds, fetches);

    if (spare) {
      this.spare = cur;
      this.current = spare;
    } else {
      this.current = makeBank(m.params, {
        params: m.params.map((p) => outputData(results, p.next.param)),
        m: m.params.map((p) => outputData(results, p.next.m)),
        v: m.params.map((p) => outputData(results, p.next.v)),
      });
    }
    this.updates += k;
    const losses = Float32Array.from(outputData(results, m.loss.name));
    return {
      loss: losses.reduce((s, x) => s + x, 0) / losses.length,
      losses,
      perSampleLogProbs: Float32Array.from(outputData(results, m.perSampleLogProbs.name)),
      gradNorms: Float32Array.from(outputData(results, m.gradNorm.name)),
    };
  }

  /** Current parameters by name. Live views: the next train() call may overwrite them, so copy to keep. */
  params(): Map<string, Float32Array> {
    return new Map(this.manifest.params.map((p, i) => [p.name, this.current.params[i]!]));
  }

  /** A copy of parameters, moments and step count, for a checkpoint. */
  state(): TrainState {
    const copy = (arrays: Float32Array[]): Record<string, Float32Array> =>
      Object.fromEntries(this.manifest.params.map((p, i) => [p.name, Float32Array.from(arrays[i]!)]));
    return { step: this.updates, params: copy(this.current.params), m: copy(this.current.m), v: copy(this.current.v) };
  }

  loadState(state: TrainState): void {
    const take = (source: Record<string, Float32Array>, what: string): Float32Array[] =>
      this.manifest.params.map((p) => {
        const a = source[p.name];
        if (!a || a.length !== numel(p.shape)) throw new RangeError(`checkpoint ${what} for "${p.name}" is missing or has the wrong size`);
        return Float32Array.from(a);
      });
    this.current = makeBank(this.manifest.params, { params: take(state.params, 'params'), m: take(state.m, 'm'), v: take(state.v, 'v') });
    this.updates = state.step;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export class OnnxPredictor {
  private constructor(
    private readonly session: InferenceSession,
    readonly manifest: InferenceManifest,
  ) {}

  static async create(model: BuiltModel<InferenceManifest>, options: SessionConfig = {}): Promise<OnnxPredictor> {
    return new OnnxPredictor(await InferenceSession.create(model.bytes, sessionOptions(options)), model.manifest);
  }

  /** Runs the model on `batch` with `params` (e.g. OnnxTrainer.params()); returns each output's data. */
  async run(batch: Batch, params: ReadonlyMap<string, Float32Array>): Promise<Record<string, Feed>> {
    const feeds: Record<string, OrtTensor> = {};
    for (const spec of this.manifest.inputs) feeds[spec.name] = feedTensor(spec, batch[spec.name]);
    for (const p of this.manifest.params) {
      feeds[p.name] = feedTensor({ name: p.name, dtype: 'float32', shape: p.shape }, params.get(p.name));
    }
    const results = await this.session.run(feeds);
    return Object.fromEntries(this.manifest.outputs.map((o) => [o.name, results[o.name]!.data as Feed]));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
