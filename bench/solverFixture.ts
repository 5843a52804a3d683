/**
 * What the solver benchmarks share (bench/solver.ts on the CPU, bench/gpuCheck.ts on CUDA): the bench batch,
 * the PyTorch side (bench/solver_torch.py, one process per thread configuration), a matmul peak probe on
 * onnxruntime, and the machine's name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { sessionOptions, type SessionConfig } from '../src/engine/solver/onnx/runtime.js';
import { ANSWER_CLASSES } from '../src/engine/solver/answers.js';
import { FEATURE_COUNT, NAMED_SLOTS, SEGMENT_COUNT, SLOT_COUNT, concatFeeds, encodeSample, stackBatch, type BatchFeeds, type SolverSample } from '../src/engine/solver/features.js';
import { DEFAULT_MODEL, solverInputs, solverModel, solverParamCount, type SolverModelConfig } from '../src/engine/solver/model.js';
import { type FlopCount, matmulShapes } from '../src/engine/solver/onnx/flops.js';
import { Graph } from '../src/engine/solver/onnx/graph.js';
import { IR_VERSION, OPSET, buildInferenceModel, buildTrainStepModel, trainStepFlops, trainStepNodes, type BuiltModel, type InferenceManifest, type TrainManifest } from '../src/engine/solver/onnx/model.js';
import { DEFAULT_ADAMW } from '../src/engine/solver/onnx/optimizer.js';
import { encodeModel } from '../src/engine/solver/onnx/proto.js';
import { toyCountingSample, toyDirectionSample } from '../src/engine/solver/synthetic.js';
import { defaultVocabulary } from '../src/engine/solver/tokenizer.js';
import { createRng } from '../src/shared/random.js';

/**
 * The python that runs the PyTorch side: Debian's, which python3-torch serves, unless OUROBOROS_PYTHON names
 * another (a GPU machine's CUDA build of torch usually lives in its own environment).
 */
export const PYTHON = process.env.OUROBOROS_PYTHON || '/usr/bin/python3';
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'solver_torch.py');
export const OPTIMIZER = { ...DEFAULT_ADAMW, clipGradNorm: 1 };
export const LR = 1e-3;

/** Toy scenes with many distractors, so the detection budget is full as in a real walkthrough. */
export function benchSamples(n: number, seed: number): SolverSample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = i % 2 === 0 ? toyCountingSample(rng, 6) : toyDirectionSample(rng);
    // Duplicate every frame's detections a few times over: a real observation has 5–10 per frame.
    const frames = s.observation.frames.map((f) => ({ ...f, detections: [...f.detections, ...f.detections, ...f.detections, ...f.detections] }));
    return { ...s, observation: { ...s.observation, frames } };
  });
}

export interface SolverFixture {
  config: SolverModelConfig;
  batch: number;
  sizes: { words: number; labels: number };
  params: number;
  samples: SolverSample[];
  feeds: BatchFeeds;
  specs: ReturnType<typeof solverInputs>;
  /** Detections kept per sample, on average. */
  kept: number;
  trainModel(stepsPerRun?: number): BuiltModel<TrainManifest>;
  inferModel: BuiltModel<InferenceManifest>;
  /** FLOPs of one optimizer step. */
  flops: FlopCount;
  /** Input shapes of the step's MatMuls. */
  matmuls: { a: readonly number[]; b: readonly number[] }[];
}

export function solverFixture(quick: boolean): SolverFixture {
  const config: SolverModelConfig = quick ? { dModel: 16, heads: 2, layers: 1, mlpHidden: 32, maxQuestionTokens: 24, maxDetections: 16 } : DEFAULT_MODEL;
  const batch = quick ? 8 : 64;
  const vocab = defaultVocabulary();
  const sizes = { words: vocab.size, labels: vocab.labelRows };
  const samples = benchSamples(quick ? 16 : 256, 3);
  const encoded = samples.map((s, i) => encodeSample(s, vocab, config, i, { answers: 'require', sigmaBins: 1 }));
  const feeds = stackBatch(encoded, Array.from({ length: batch }, (_, i) => i % encoded.length), config);
  const specs = solverInputs(config, batch);
  return {
    config,
    batch,
    sizes,
    params: solverParamCount(config, sizes),
    samples,
    feeds,
    specs,
    kept: encoded.reduce((n, e) => n + e.stats.keptDetections, 0) / encoded.length,
    trainModel: (k = 1) => buildTrainStepModel(solverModel(config, sizes, batch), specs, { optimizer: OPTIMIZER, stepsPerRun: k }),
    inferModel: buildInferenceModel(solverModel(config, sizes, batch), specs, { withLoss: true }),
    flops: trainStepFlops(solverModel(config, sizes, batch), specs, { optimizer: OPTIMIZER }),
    matmuls: matmulShapes(trainStepNodes(solverModel(config, sizes, batch), specs, { optimizer: OPTIMIZER })),
  };
}

/** `feeds` repeated k times along a new leading axis: the input of a Loop-of-k train step. */
export function stackFeeds(feeds: BatchFeeds, k: number): BatchFeeds {
  return k === 1 ? feeds : concatFeeds(Array.from({ length: k }, () => feeds));
}

/** The CPU's model name as lscpu prints it, and the core count. */
export function machineName(): string {
  let model = 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // Not Linux: the name stays unknown rather than failing the bench.
  }
  return model;
}

/** A bench session's thread settings as the engine's sessions take them (`sessionOptions`). */
const threadSettings = (options: { threads?: number; allowSpinning?: boolean }): SessionConfig => ({
  ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
  ...(options.allowSpinning !== undefined ? { allowSpinning: options.allowSpinning } : {}),
});

/**
 * An fp32 MatMul of n×n by n×n on onnxruntime (MLAS on the CPU): the same kernels the train step's matmuls run
 * on, at a size where they reach their peak. `round()` gives one round's GFLOP/s.
 */
export class OrtMatmul {
  private constructor(
    private readonly session: InferenceSession,
    private readonly n: number,
    private readonly feeds: Record<string, OrtTensor>,
    private readonly out: Record<string, OrtTensor>,
  ) {}

  static async create(options: { n: number; threads?: number; providers?: string[]; allowSpinning?: boolean }): Promise<OrtMatmul> {
    const { n } = options;
    const g = new Graph();
    const a = g.input('a', 'float32', [n, n]);
    const b = g.input('b', 'float32', [n, n]);
    const c = g.matMul(a, b);
    const bytes = encodeModel({ irVersion: IR_VERSION, opsets: [{ domain: '', version: OPSET }], producerName: 'bench', graph: g.toGraphProto('matmul', [a, b], [{ name: 'c', tensor: c }]) });
    const session = await InferenceSession.create(
      bytes,
      sessionOptions({ executionProviders: options.providers ?? ['cpu'], ...threadSettings(options) }),
    );
    const rng = createRng(11);
    const fill = (): OrtTensor => new OrtTensor('float32', Float32Array.from({ length: n * n }, () => rng.normal()), [n, n]);
    const m = new OrtMatmul(session, n, { a: fill(), b: fill() }, { c: new OrtTensor('float32', new Float32Array(n * n), [n, n]) });
    await session.run(m.feeds, m.out);
    return m;
  }

  async round(calls = 4): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await this.session.run(this.feeds, this.out);
    return (2 * this.n ** 3 * calls) / ((performance.now() - t0) * 1e6);
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Every MatMul of one train step at its own shapes, alone: one graph of independent MatMul nodes (inputs shared
 * between equal shapes), run like the step. Its rate is what MLAS reaches on this model's products — batched
 * [T × 16] · [16 × T] attention scores, K = 64 projections — which is the ceiling the step's matmuls can approach,
 * as opposed to the 1024³ peak, which these shapes cannot reach.
 */
export class OrtStepMatmuls {
  private constructor(
    private readonly session: InferenceSession,
    private readonly feeds: Record<string, OrtTensor>,
    readonly flops: number,
  ) {}

  static async create(shapes: readonly { a: readonly number[]; b: readonly number[] }[], options: { threads?: number; allowSpinning?: boolean } = {}): Promise<OrtStepMatmuls> {
    const g = new Graph();
    const inputs = new Map<string, ReturnType<Graph['input']>>();
    const input = (shape: readonly number[]): ReturnType<Graph['input']> => {
      const key = shape.join('x');
      let t = inputs.get(key);
      if (!t) inputs.set(key, (t = g.input(`in_${key}`, 'float32', [...shape])));
      return t;
    };
    let flops = 0;
    const outputs = shapes.map((s, i) => {
      const c = g.matMul(input(s.a), input(s.b));
      flops += 2 * s.a[s.a.length - 1]! * c.shape.reduce((n, d) => n * d, 1);
      // Only one element leaves the runtime: products stay in its arena, as a step's intermediates do, instead of
      // being allocated afresh and copied out to JS on every run (the page faults would be timed, not the kernels).
      const axes = c.shape.map((_, d) => d);
      return { name: `c${i}`, tensor: g.slice(c, axes.map(() => 0), axes.map(() => 1), axes) };
    });
    const bytes = encodeModel({ irVersion: IR_VERSION, opsets: [{ domain: '', version: OPSET }], producerName: 'bench', graph: g.toGraphProto('step_matmuls', [...inputs.values()], outputs) });
    const session = await InferenceSession.create(bytes, {
      ...sessionOptions(threadSettings(options)),
      // Off: equal shapes share inputs here, so common-subexpression elimination would merge their MatMuls into one.
      graphOptimizationLevel: 'disabled',
    });
    const rng = createRng(12);
    const feeds: Record<string, OrtTensor> = {};
    for (const t of inputs.values()) {
      const n = t.shape.reduce((a, d) => a * d, 1);
      feeds[t.name] = new OrtTensor('float32', Float32Array.from({ length: n }, () => rng.normal()), [...t.shape]);
    }
    const m = new OrtStepMatmuls(session, feeds, flops);
    await session.run(feeds);
    return m;
  }

  /** GFLOP/s of one run of all the step's MatMuls. */
  async round(): Promise<number> {
    const t0 = performance.now();
    await this.session.run(this.feeds);
    return this.flops / ((performance.now() - t0) * 1e6);
  }

  dispose(): Promise<void> {
    return this.session.release();
  }
}

/** Best of `rounds` of an OrtMatmul. */
export async function ortMatmulGflops(options: { n: number; threads?: number; providers?: string[]; rounds: number; allowSpinning?: boolean }): Promise<number> {
  const m = await OrtMatmul.create(options);
  try {
    let best = 0;
    for (let r = 0; r < options.rounds; r++) best = Math.max(best, await m.round());
    return best;
  } finally {
    await m.dispose();
  }
}

/**
 * Debian's libtorch links libblas.so.3 and only Recommends an optimised implementation (libopenblas0); where
 * recommends are not installed the alternatives system leaves the reference BLAS in place, which makes every
 * PyTorch matmul several times slower and the comparison meaningless. OpenBLAS registers itself at a higher
 * priority, so installing it is enough.
 */
const OPTIMISED_BLAS = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3', '/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3', '/usr/lib/aarch64-linux-gnu/openblas-pthread/libblas.so.3'];

function aptInstall(packages: string[]): boolean {
  const install = (): number | null =>
    spawnSync('apt-get', ['install', '-y', ...packages], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status;
  if (install() === 0) return true;
  spawnSync('apt-get', ['update'], { stdio: 'ignore' });
  return install() === 0;
}

/**
 * Is PyTorch importable by Debian's python, on an optimised BLAS? Installs python3-torch (and OpenBLAS, the
 * BLAS libtorch recommends) with apt when we are root and `install` is set. Returns the reason when not.
 */
export function ensureTorch(ctx: { quick: boolean; log(m: string): void }, install = !ctx.quick): string | undefined {
  const probe = (): boolean => spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  const fastBlas = (): boolean => OPTIMISED_BLAS.some((p) => existsSync(p));
  if (probe() && (fastBlas() || !install)) return undefined;
  if (!install) return `torch does not import, and ${ctx.quick ? 'quick mode' : 'this run'} never installs python3-torch (apt-get install -y python3-torch)`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return probe() ? undefined : `${PYTHON} cannot import torch and installing python3-torch needs root`;
  }
  const wanted = [...(probe() ? [] : ['python3-torch']), ...(fastBlas() ? [] : ['libopenblas0'])];
  ctx.log(`installing ${wanted.join(', ')} with apt-get (one-time)…`);
  if (!aptInstall(wanted) && !probe()) return `apt-get install -y ${wanted.join(' ')} failed`;
  return probe() ? undefined : 'python3-torch installed but torch still does not import';
}

/** Feeds as raw little-endian arrays + a layout, for the PyTorch side to read with numpy. */
function writeFeeds(path: string, feeds: BatchFeeds, specs: ReturnType<typeof solverInputs>): { name: string; dtype: string; shape: readonly number[]; offset: number }[] {
  const layout: { name: string; dtype: string; shape: readonly number[]; offset: number }[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const s of specs) {
    const data = feeds[s.name]!;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    layout.push({ name: s.name, dtype: s.dtype, shape: s.shape, offset });
    parts.push(bytes);
    offset += bytes.length;
  }
  const all = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  writeFileSync(path, all);
  return layout;
}

/** How the PyTorch process is threaded: torch's intra-op pool (OpenMP) and the BLAS's own threads. */
export interface TorchThreads {
  torch: number;
  blas: number;
}

export const torchThreadsLabel = (t: TorchThreads): string => `torch ${t.torch}, OMP_NUM_THREADS=${t.torch}, OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=${t.blas}`;

export interface TorchRun {
  torch: string;
  params: number;
  /** BLAS libraries the PyTorch process mapped. */
  blas: string[];
  env: Record<string, string | null>;
  device: 'cpu' | 'cuda';
  gpu: string | null;
  /** torch.set_flush_denormal(True) took: denormals flushed to zero, as onnxruntime's sessions here do. */
  flush_denormal: boolean;
  results: { threads: number; torch_threads: number; train_steps_per_s: number; infer_samples_per_s: number; matmul_gflops: number }[];
}

function torchJob(f: SolverFixture, threads: TorchThreads, opts: { steps: number; rounds: number; device: 'cpu' | 'cuda'; matmulN: number }, feedsPath: string): Record<string, unknown> {
  return {
    config: f.config,
    sizes: f.sizes,
    batch: f.batch,
    inferenceBatch: f.batch,
    threads: [threads.torch],
    steps: opts.steps,
    rounds: opts.rounds,
    lr: LR,
    optimizer: OPTIMIZER,
    answers: ANSWER_CLASSES,
    features: FEATURE_COUNT,
    slotCount: SLOT_COUNT,
    segmentCount: SEGMENT_COUNT,
    namedSlots: NAMED_SLOTS,
    feeds: feedsPath,
    layout: writeFeeds(feedsPath, f.feeds, f.specs),
    device: opts.device,
    matmulN: opts.matmulN,
  };
}

/**
 * glibc malloc settings for the PyTorch process: keep freed memory for reuse instead of handing each large tensor
 * back to the kernel. By default every tensor above the mmap threshold (the attention's 21 MB scores, each op's
 * output) is a fresh mmap whose pages fault in on first touch; on this KVM guest that made PyTorch's train step
 * 610-690 ms instead of 141 ms (one thread, 2026-12-04), the faults taking most of each element-wise op. All three
 * are needed (each alone changed nothing); the threshold is glibc's documented maximum, 32 MiB. tcmalloc did as
 * well (131 ms), jemalloc's defaults worse (1.1 s). onnxruntime has its own arena, so only PyTorch needs this:
 * part of its best configuration, as a caching allocator is in PyTorch's own CPU performance advice.
 */
export const TORCH_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '4294967295', MALLOC_TOP_PAD_: '268435456' } as const;

/** OpenBLAS's kernel choice for PyTorch's process: what it detected, and the core type the bench sets, if any. */
export interface OpenblasCore {
  detected: string;
  /** OPENBLAS_CORETYPE for the PyTorch processes: the user's own, or the bench's when detection fell back. */
  coretype?: string;
  why?: string;
}

let openblasCoreMemo: OpenblasCore | undefined;

/**
 * OpenBLAS picks its kernels from the CPU's model at load. Debian bookworm's 0.3.21 does not know Intel's newest
 * server cores and falls back to Prescott's SSE3 kernels: on an Emerald Rapids Xeon (family 6, model 207) a
 * 1024³ product ran at 33–36 GFLOP/s on one thread instead of 161–168 with its AVX-512 (SkylakeX) kernels
 * (2026-12-05), and PyTorch's train step with it. A baseline gets its best configuration, so when OpenBLAS
 * reports that fallback (OPENBLAS_VERBOSE=2) the bench names the kernels the CPU's flags support, as anyone tuning
 * PyTorch on that machine would; an OPENBLAS_CORETYPE already in the environment is kept, and a core OpenBLAS
 * recognised is left alone.
 */
export function openblasCore(): OpenblasCore {
  if (openblasCoreMemo) return openblasCoreMemo;
  const own = process.env.OPENBLAS_CORETYPE;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OPENBLAS_VERBOSE: '2' } });
  const detected = /Core: (\S+)/.exec(`${probe.stderr ?? ''}${probe.stdout ?? ''}`)?.[1] ?? 'unknown (OpenBLAS did not say)';
  let flags = '';
  try {
    flags = /^flags\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    // Not Linux: no flags, nothing overridden.
  }
  const has = (f: string): boolean => ` ${flags} `.includes(` ${f} `);
  const supported = ['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every(has) ? 'SkylakeX' : ['avx2', 'fma'].every(has) ? 'Haswell' : undefined;
  openblasCoreMemo =
    own !== undefined && own !== ''
      ? { detected, coretype: own, why: 'set in the environment' }
      : own === undefined && detected === 'Prescott' && supported
        ? { detected, coretype: supported, why: `OpenBLAS fell back to Prescott's SSE3 kernels on a CPU with ${supported === 'SkylakeX' ? 'AVX-512' : 'AVX2 and FMA'}` }
        : { detected };
  return openblasCoreMemo;
}

/**
 * OpenMP and OpenBLAS read their thread counts from the environment once, at load; torch.set_num_threads alone
 * leaves OpenBLAS's own pthreads pool at the core count, and the two pools then oversubscribe the cores.
 */
const torchEnv = (threads: TorchThreads): NodeJS.ProcessEnv => {
  const { coretype } = openblasCore();
  return {
    ...process.env,
    ...TORCH_MALLOC_ENV,
    ...(coretype !== undefined ? { OPENBLAS_CORETYPE: coretype } : {}),
    OMP_NUM_THREADS: String(threads.torch),
    OPENBLAS_NUM_THREADS: String(threads.blas),
    MKL_NUM_THREADS: String(threads.blas),
  };
};

/**
 * Runs bench/solver_torch.py on the fixture's batch in a fresh process with its thread counts set through the
 * environment. Returns the result or why there is none.
 */
export function runTorch(f: SolverFixture, threads: TorchThreads, opts: { steps: number; rounds: number; device: 'cpu' | 'cuda'; tmpDir: string; matmulN: number }): TorchRun | { error: string } {
  const scratch = mkdtempSync(join(opts.tmpDir || tmpdir(), 'solver-bench-'));
  try {
    const job = torchJob(f, threads, opts, join(scratch, 'solver_feeds.bin'));
    const run = spawnSync(PYTHON, [TORCH_SCRIPT], { input: `${JSON.stringify(job)}\n`, encoding: 'utf8', maxBuffer: 1 << 20, env: torchEnv(threads) });
    if (run.status !== 0) return { error: `solver_torch.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').slice(-1)[0]}` };
    return JSON.parse(run.stdout.trim().split('\n').slice(-1)[0]!) as TorchRun | { error: string };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export type TorchInfo = Omit<TorchRun, 'results'> & { torch_threads: number };

/** A PyTorch process at one thread configuration that measures one round at a time, on request. */
export class TorchWorker {
  private constructor(
    private readonly proc: ReturnType<typeof spawn>,
    private readonly lines: AsyncIterator<string>,
    private readonly scratch: string,
    readonly info: TorchInfo,
  ) {}

  static async start(f: SolverFixture, threads: TorchThreads, opts: { steps: number; device: 'cpu' | 'cuda'; tmpDir: string; matmulN: number }): Promise<TorchWorker> {
    const scratch = mkdtempSync(join(opts.tmpDir || tmpdir(), 'solver-bench-'));
    const job = { ...torchJob(f, threads, { ...opts, rounds: 1 }, join(scratch, 'solver_feeds.bin')), serve: true };
    const proc = spawn(PYTHON, [TORCH_SCRIPT], { env: torchEnv(threads), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
    proc.stdin!.write(`${JSON.stringify(job)}\n`);
    const first = await lines.next();
    if (first.done) {
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`solver_torch.py failed: ${stderr.trim().split('\n').slice(-1)[0] ?? 'no output'}`);
    }
    const info = JSON.parse(first.value) as TorchInfo | { error: string };
    if ('error' in info) {
      proc.stdin!.end();
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(info.error);
    }
    return new TorchWorker(proc, lines, scratch, info);
  }

  /** One round of `steps` calls: steps/s, samples/s or GFLOP/s. */
  async round(what: 'train' | 'infer' | 'matmul'): Promise<number> {
    this.proc.stdin!.write(`${what}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error('solver_torch.py exited mid-measurement');
    return (JSON.parse(next.value) as { rate: number }).rate;
  }

  close(): void {
    this.proc.stdin!.end();
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** BLAS library names as `openblas-pthread/libblas.so.3`, and whether it is the reference BLAS. */
export function describeBlas(paths: readonly string[]): { name: string; reference: boolean } {
  return {
    name: paths.map((p) => p.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')).join(', ') || 'unknown',
    reference: paths.length > 0 && paths.every((p) => /\/blas\/libblas\.so/.test(p)),
  };
}
