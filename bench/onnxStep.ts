/**
 * ONNX train-step throughput for a ~1M-parameter answer transformer on onnxruntime-node's CPU provider, and
 * how much of a step is spent moving parameters and AdamW moments between JS and the runtime.
 *
 * The transfer share is measured with a probe model that has the train step's parameter, m and v inputs and
 * returns each unchanged (Identity): a run of it is "feed the state in, get the state back" with no compute,
 * so probe time ÷ step time is the share (slightly high: the probe's Identity copies once more than a step
 * does). onnxruntime-node reads inputs in place but returns every output as a fresh JS array. Mitigations
 * measured: (1) preallocated, reused output buffers (the runtime's default; the binding still returns its
 * own copies) and (2) several optimizer steps per call via an ONNX Loop, which moves the state once per call.
 */
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { createRng, type Rng } from '../src/shared/random.js';
import {
  answerTransformer,
  answerTransformerInputs,
  answerTransformerParamCount,
  type AnswerTransformerConfig,
} from '../src/engine/solver/onnx/answerTransformer.js';
import { buildTrainStepModel, type TrainManifest } from '../src/engine/solver/onnx/model.js';
import { OnnxTrainer, sessionOptions, type TrainerOptions } from '../src/engine/solver/onnx/runtime.js';
import { transferProbe } from './transferProbe.js';
import type { BenchModule } from './harness.js';

type Batch = Record<string, BigInt64Array | Uint8Array>;

function makeBatch(c: AnswerTransformerConfig, rng: Rng, stacked: number): Batch {
  const n = c.batch * stacked;
  const tokens = new BigInt64Array(n * c.seqLen);
  const mask = new Uint8Array(n * c.seqLen);
  const answer = new BigInt64Array(n);
  for (let b = 0; b < n; b++) {
    const len = 2 + rng.int(c.seqLen - 1);
    for (let i = 0; i < len; i++) {
      tokens[b * c.seqLen + i] = BigInt(rng.int(c.vocab));
      mask[b * c.seqLen + i] = 1;
    }
    answer[b] = BigInt(rng.int(c.answers));
  }
  return { tokens, mask, answer };
}


/** Something timed in rounds: `round()` runs a fixed amount of work and returns ms per unit (step or call). */
interface Timed {
  round(): Promise<number>;
  dispose(): Promise<void>;
}

async function probe(m: TrainManifest, reuse: boolean, threads: number): Promise<Timed> {
  const model = transferProbe(m);
  const session = await InferenceSession.create(model.bytes, sessionOptions({ intraOpNumThreads: threads }));
  const feeds: Record<string, OrtTensor> = {};
  for (const p of m.params) {
    for (const name of [p.name, p.m, p.v]) feeds[name] = new OrtTensor('float32', new Float32Array(p.shape.reduce((a, b) => a * b, 1)), [...p.shape]);
  }
  const fetches: Record<string, OrtTensor | null> = {};
  for (const o of model.outputs) fetches[o.name] = reuse ? new OrtTensor('float32', new Float32Array(o.size), [...o.shape]) : null;
  const calls = 8;
  return {
    round: async () => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) await session.run(feeds, fetches);
      return (performance.now() - t0) / calls;
    },
    dispose: () => session.release(),
  };
}

async function trainer(c: AnswerTransformerConfig, k: number, options: TrainerOptions, steps: number): Promise<Timed & { manifest: TrainManifest }> {
  const model = buildTrainStepModel(answerTransformer(c), answerTransformerInputs(c), { stepsPerRun: k });
  const t = await OnnxTrainer.create(model, options);
  const rng = createRng(7);
  const batches = Array.from({ length: 4 }, () => makeBatch(c, rng, k));
  const calls = Math.max(1, Math.round(steps / k));
  let j = 0;
  return {
    manifest: model.manifest,
    round: async () => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) await t.train(batches[j++ % batches.length]!, 1e-4);
      return (performance.now() - t0) / (calls * k);
    },
    dispose: () => t.dispose(),
  };
}

/**
 * Best of `rounds` for each, with the candidates interleaved: on a shared machine a neighbour's burst then
 * slows one round of each rather than every round of one.
 */
async function bestOfInterleaved(items: readonly Timed[], rounds: number): Promise<number[]> {
  const best = items.map(() => Infinity);
  for (const item of items) await item.round(); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < items.length; i++) best[i] = Math.min(best[i]!, await items[i]!.round());
  }
  return best;
}

export const onnxStepBench: BenchModule = {
  title: 'ONNX train step (onnxruntime-node CPU)',
  async run(ctx) {
    const c: AnswerTransformerConfig = ctx.quick
      ? { vocab: 64, seqLen: 8, dModel: 32, heads: 2, layers: 1, mlpHidden: 64, answers: 16, batch: 4 }
      : { vocab: 512, seqLen: 32, dModel: 192, heads: 4, layers: 2, mlpHidden: 768, answers: 512, batch: 16 };
    const steps = ctx.quick ? 4 : 16;
    const rounds = ctx.quick ? 1 : 5;
    const k = 4;
    // Two threads: the machines this runs on have two cores, and more would only contend.
    const threads = ctx.quick ? 1 : 2;
    const params = answerTransformerParamCount(c);
    ctx.log(`answer transformer: ${params} parameters, batch ${c.batch}×${c.seqLen}, ${threads} threads, best of ${rounds} interleaved rounds`);
    const fresh = await trainer(c, 1, { seed: 1, reuseOutputBuffers: false, intraOpNumThreads: threads }, steps);
    const reused = await trainer(c, 1, { seed: 1, intraOpNumThreads: threads }, steps);
    const looped = await trainer(c, k, { seed: 1, intraOpNumThreads: threads }, 2 * steps);
    const probeFresh = await probe(fresh.manifest, false, threads);
    const probeReused = await probe(fresh.manifest, true, threads);
    const all = [fresh, reused, looped, probeFresh, probeReused];
    const [freshMs, reusedMs, loopedMs, probeFreshMs, probeReusedMs] = (await bestOfInterleaved(all, rounds)) as [number, number, number, number, number];
    for (const t of all) await t.dispose();

    const share = (transfer: number, step: number): number => (100 * transfer) / step;
    return [
      { name: 'parameters', value: params, unit: 'params', note: `state moved per call: ${((3 * 4 * params) / 1e6).toFixed(1)} MB (params + m + v)` },
      { name: 'train steps/s — fresh output arrays (onnxruntime-node default)', value: 1000 / freshMs, unit: 'steps/s', note: `${freshMs.toFixed(1)} ms/step` },
      { name: 'train steps/s — reused output buffers (runtime default)', value: 1000 / reusedMs, unit: 'steps/s', note: `${reusedMs.toFixed(1)} ms/step` },
      { name: `train steps/s — Loop of ${k} steps per call, reused buffers`, value: 1000 / loopedMs, unit: 'steps/s', note: `${loopedMs.toFixed(1)} ms/step` },
      { name: 'param transfer — fresh output arrays', value: probeFreshMs, unit: 'ms/call', note: 'identity probe: state in and back out, no compute' },
      { name: 'param transfer — reused output buffers', value: probeReusedMs, unit: 'ms/call' },
      { name: 'param transfer share of step — fresh output arrays', value: share(probeFreshMs, freshMs), unit: '%' },
      { name: 'param transfer share of step — reused output buffers', value: share(probeReusedMs, reusedMs), unit: '%' },
      { name: `param transfer share of step — Loop of ${k}`, value: share(probeReusedMs, k * loopedMs), unit: '%', note: 'one transfer per call, spread over its steps' },
    ];
  },
};
