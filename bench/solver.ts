/**
 * Solver throughput on onnxruntime-node's CPU provider for the default configuration (batch 64), against the
 * same network, batch and sequence lengths in PyTorch eager (bench/solver_torch.py, Debian's python3-torch).
 *
 * Figures: raw train steps/s (one onnxruntime call per AdamW step on a fixed stacked batch), Solver.train
 * steps/s end to end (feature encoding, batch stacking and the divergence snapshot included), inference
 * samples/s raw and through Solver.predict, the share of a step spent moving parameters and AdamW moments
 * across the JS boundary (identity-probe method of bench/onnxStep.ts), and ORT / PyTorch ratios (target ≥ 1.5×).
 *
 * PyTorch comes from apt: when `/usr/bin/python3 -c "import torch"` fails and we are root, this installs
 * python3-torch (and OpenBLAS, see ensureTorch); otherwise the comparison is reported as skipped, with the
 * reason. Quick mode never installs: it runs the comparison at toy size only where torch already imports.
 * Both sides run at each thread count in turn; the machines this runs on have two cores shared with other
 * work, so figures are best of several rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { ANSWER_CLASSES } from '../src/engine/solver/answers.js';
import { FEATURE_COUNT, NAMED_SLOTS, SEGMENT_COUNT, SLOT_COUNT, encodeSample, stackBatch, type BatchFeeds, type SolverSample } from '../src/engine/solver/features.js';
import { DEFAULT_MODEL, solverInputs, solverModel, solverParamCount, type SolverModelConfig } from '../src/engine/solver/model.js';
import { buildInferenceModel, buildTrainStepModel } from '../src/engine/solver/onnx/model.js';
import { DEFAULT_ADAMW } from '../src/engine/solver/onnx/optimizer.js';
import { OnnxPredictor, OnnxTrainer, initParams } from '../src/engine/solver/onnx/runtime.js';
import { Solver } from '../src/engine/solver/solver.js';
import { toyCountingSample, toyDirectionSample } from '../src/engine/solver/synthetic.js';
import { defaultVocabulary } from '../src/engine/solver/tokenizer.js';
import { createRng } from '../src/shared/random.js';
import { transferProbe } from './transferProbe.js';
import type { BenchModule, BenchRow } from './harness.js';

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'solver_torch.py');
const OPTIMIZER = { ...DEFAULT_ADAMW, clipGradNorm: 1 };
const LR = 1e-3;

/** Toy scenes with many distractors, so the detection budget is full as in a real walkthrough. */
function benchSamples(n: number, seed: number): SolverSample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = i % 2 === 0 ? toyCountingSample(rng, 6) : toyDirectionSample(rng);
    // Duplicate every frame's detections a few times over: a real observation has 5–10 per frame.
    const frames = s.observation.frames.map((f) => ({ ...f, detections: [...f.detections, ...f.detections, ...f.detections, ...f.detections] }));
    return { ...s, observation: { ...s.observation, frames } };
  });
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
 * BLAS libtorch recommends) with apt when we are root and not in quick mode. Returns the reason when not.
 */
function ensureTorch(ctx: { quick: boolean; log(m: string): void }): string | undefined {
  const probe = (): boolean => spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  const fastBlas = (): boolean => OPTIMISED_BLAS.some((p) => existsSync(p));
  if (probe() && (fastBlas() || ctx.quick)) return undefined;
  if (ctx.quick) return 'torch does not import, and quick mode never installs python3-torch';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return probe() ? undefined : `${PYTHON} cannot import torch and installing python3-torch needs root`;
  }
  const wanted = [...(probe() ? [] : ['python3-torch']), ...(fastBlas() ? [] : ['libopenblas0'])];
  ctx.log(`installing ${wanted.join(', ')} with apt-get (one-time)…`);
  if (!aptInstall(wanted) && !probe()) return `apt-get install -y ${wanted.join(' ')} failed`;
  return probe() ? undefined : 'python3-torch installed but torch still does not import';
}


async function bestMs(fn: () => Promise<unknown>, calls: number, rounds: number): Promise<number> {
  await fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await fn();
    best = Math.min(best, (performance.now() - t0) / calls);
  }
  return best;
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

interface TorchResult {
  torch: string;
  params: number;
  /** BLAS libraries the PyTorch process mapped. */
  blas: string[];
  results: { threads: number; train_steps_per_s: number; infer_samples_per_s: number }[];
}

export const solverBench: BenchModule = {
  title: 'Solver: train and inference throughput (onnxruntime-node CPU vs PyTorch eager)',
  async run(ctx) {
    const config: SolverModelConfig = ctx.quick ? { dModel: 16, heads: 2, layers: 1, mlpHidden: 32, maxQuestionTokens: 24, maxDetections: 16 } : DEFAULT_MODEL;
    const batch = ctx.quick ? 8 : 64;
    const threads = ctx.quick ? [1] : [1, 2];
    const calls = ctx.quick ? 2 : 8;
    const rounds = ctx.quick ? 1 : 4;
    const vocab = defaultVocabulary();
    const sizes = { words: vocab.size, labels: vocab.labelRows };
    const params = solverParamCount(config, sizes);
    const samples = benchSamples(ctx.quick ? 16 : 256, 3);
    const encoded = samples.map((s, i) => encodeSample(s, vocab, config, i, { answers: 'require', sigmaBins: 1 }));
    const feeds = stackBatch(encoded, Array.from({ length: batch }, (_, i) => i % encoded.length), config);
    const kept = encoded.reduce((n, e) => n + e.stats.keptDetections, 0) / encoded.length;
    const specs = solverInputs(config, batch);
    const trainModel = buildTrainStepModel(solverModel(config, sizes, batch), specs, { optimizer: OPTIMIZER });
    const inferModel = buildInferenceModel(solverModel(config, sizes, batch), specs, { withLoss: true });
    ctx.log(`solver ${config.dModel}d × ${config.layers} layers, ${params} parameters; batch ${batch} × (${config.maxQuestionTokens} question + ${config.maxDetections} detection tokens), ${kept.toFixed(0)} detections kept per sample`);

    const rows: BenchRow[] = [{ name: 'parameters', value: params, unit: 'params', note: `state moved per step: ${((12 * params) / 1e6).toFixed(2)} MB (params + m + v)` }];
    const ort: Record<number, { train: number; infer: number }> = {};
    for (const t of threads) {
      const trainer = await OnnxTrainer.create(trainModel, { seed: 1, intraOpNumThreads: t });
      const predictor = await OnnxPredictor.create(inferModel, { intraOpNumThreads: t });
      const probe = transferProbe(trainModel.manifest);
      const probeSession = await InferenceSession.create(probe.bytes, { executionProviders: ['cpu'], intraOpNumThreads: t });
      const init = initParams(trainModel.manifest.params, 1);
      const probeFeeds: Record<string, OrtTensor> = {};
      for (const p of trainModel.manifest.params) for (const n of [p.name, p.m, p.v]) probeFeeds[n] = new OrtTensor('float32', new Float32Array(init.get(p.name)!.length), [...p.shape]);
      const probeOut: Record<string, OrtTensor> = {};
      for (const o of probe.outputs) probeOut[o.name] = new OrtTensor('float32', new Float32Array(o.size), [...o.shape]);

      // Interleaved rounds: a neighbour's burst slows one round of each rather than all rounds of one.
      let stepMs = Infinity;
      let inferMs = Infinity;
      let probeMs = Infinity;
      for (let r = 0; r < rounds; r++) {
        stepMs = Math.min(stepMs, await bestMs(() => trainer.train(feeds, LR), calls, 1));
        inferMs = Math.min(inferMs, await bestMs(() => predictor.run(feeds, trainer.params()), calls, 1));
        probeMs = Math.min(probeMs, await bestMs(() => probeSession.run(probeFeeds, probeOut), calls, 1));
      }
      await trainer.dispose();
      await predictor.dispose();
      await probeSession.release();

      const solver = await Solver.create({ model: config, inferenceBatch: batch }, 1, { threads: t, log: ctx.log });
      await solver.train(samples, { steps: 2, batch, lr: LR });
      let e2eMs = Infinity;
      let predictMs = Infinity;
      for (let r = 0; r < Math.min(rounds, 2); r++) {
        const steps = ctx.quick ? 2 : 10;
        e2eMs = Math.min(e2eMs, (await solver.train(samples, { steps, batch, lr: LR })).ms / steps);
        const t0 = performance.now();
        await solver.predict(samples);
        predictMs = Math.min(predictMs, performance.now() - t0);
      }
      await solver.dispose();

      ort[t] = { train: 1000 / stepMs, infer: (1000 * batch) / inferMs };
      rows.push(
        { name: `ORT train steps/s, raw step (${t} thread${t > 1 ? 's' : ''})`, value: 1000 / stepMs, unit: 'steps/s', note: `${stepMs.toFixed(1)} ms/step` },
        {
          name: `ORT Solver.train steps/s, end to end (${t} thread${t > 1 ? 's' : ''})`,
          value: 1000 / e2eMs,
          unit: 'steps/s',
          note: `100 steps × batch ${batch}: ${(e2eMs / 10).toFixed(1)} s; target well under a minute`,
        },
        { name: `ORT inference samples/s, raw (${t} thread${t > 1 ? 's' : ''})`, value: ort[t]!.infer, unit: 'samples/s' },
        { name: `ORT Solver.predict samples/s, with encoding (${t} thread${t > 1 ? 's' : ''})`, value: (1000 * samples.length) / predictMs, unit: 'samples/s' },
        { name: `param transfer share of a step (${t} thread${t > 1 ? 's' : ''})`, value: (100 * probeMs) / stepMs, unit: '%', note: `identity probe ${probeMs.toFixed(2)} ms/call` },
      );
    }

    const skip = ensureTorch(ctx);
    if (skip) {
      ctx.log(`PyTorch comparison skipped: ${skip}`);
      rows.push({ name: 'PyTorch eager comparison', value: 0, unit: 'skipped', note: skip });
      return rows;
    }
    const scratch = mkdtempSync(join(ctx.tmpDir || tmpdir(), 'solver-bench-'));
    const feedsPath = join(scratch, 'solver_feeds.bin');
    const layout = writeFeeds(feedsPath, feeds, specs);
    const job = {
      config,
      sizes,
      batch,
      inferenceBatch: batch,
      threads,
      steps: calls,
      rounds,
      lr: LR,
      optimizer: OPTIMIZER,
      answers: ANSWER_CLASSES,
      features: FEATURE_COUNT,
      slotCount: SLOT_COUNT,
      segmentCount: SEGMENT_COUNT,
      namedSlots: NAMED_SLOTS,
      feeds: feedsPath,
      layout,
    };
    const run = spawnSync(PYTHON, [TORCH_SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 20 });
    rmSync(scratch, { recursive: true, force: true });
    if (run.status !== 0) {
      const reason = `solver_torch.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').slice(-1)[0]}`;
      rows.push({ name: 'PyTorch eager comparison', value: 0, unit: 'skipped', note: reason });
      return rows;
    }
    const torch = JSON.parse(run.stdout.trim().split('\n').slice(-1)[0]!) as TorchResult;
    if (torch.params !== params) ctx.log(`warning: PyTorch model has ${torch.params} parameters, ORT ${params}`);
    const blas = torch.blas.map((p) => p.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')).join(', ') || 'unknown';
    const reference = torch.blas.length > 0 && torch.blas.every((p) => /\/blas\/libblas\.so/.test(p));
    ctx.log(`PyTorch ${torch.torch} on BLAS ${blas}${reference ? ' — the reference BLAS: PyTorch figures are pessimistic' : ''}`);
    for (const r of torch.results) {
      const o = ort[r.threads]!;
      const th = `${r.threads} thread${r.threads > 1 ? 's' : ''}`;
      rows.push(
        { name: `PyTorch ${torch.torch} eager train steps/s (${th})`, value: r.train_steps_per_s, unit: 'steps/s', note: `${(1000 / r.train_steps_per_s).toFixed(1)} ms/step; BLAS ${blas}` },
        { name: `PyTorch eager inference samples/s (${th})`, value: r.infer_samples_per_s, unit: 'samples/s' },
        { name: `train ratio ORT / PyTorch (${th})`, value: o.train / r.train_steps_per_s, unit: '×', note: `target ≥ 1.5×; ${o.train / r.train_steps_per_s >= 1.5 ? 'met' : 'short'}` },
        { name: `inference ratio ORT / PyTorch (${th})`, value: o.infer / r.infer_samples_per_s, unit: '×' },
      );
    }
    return rows;
  },
};
