/**
 * Finite-difference gradient checking through onnxruntime: the analytic gradients come from a graph built by
 * grad(), the numeric ones from central differences of the same loss run in float32. The loss is a fixed
 * random projection of the op's output, so every output element's gradient matters.
 */
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { createRng, type Rng } from '../../../../src/shared/random.js';
import { grad } from '../../../../src/engine/solver/onnx/autodiff.js';
import { type DType, Graph, type Tensor } from '../../../../src/engine/solver/onnx/graph.js';
import { encodeModel } from '../../../../src/engine/solver/onnx/proto.js';
import { IR_VERSION, OPSET } from '../../../../src/engine/solver/onnx/model.js';

export type Values = Float32Array | BigInt64Array | Uint8Array;

export interface CheckInput {
  dtype?: DType;
  shape: number[];
  /** Fixed values; otherwise float inputs draw from `draw`. */
  values?: readonly number[];
  draw?: (rng: Rng) => number;
}

export interface CheckOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  seed?: number;
  /** Check at most this many coordinates per input (chosen at random); all when omitted. */
  maxCoords?: number;
}

export const draws = {
  normal: (rng: Rng): number => rng.normal(),
  positive: (rng: Rng): number => rng.range(0.5, 2),
  /** Away from 0 so a perturbation never crosses a kink (Relu). */
  awayFromZero: (rng: Rng): number => (rng.chance(0.5) ? 1 : -1) * rng.range(0.1, 1.5),
};

export function sessionOf(g: Graph, inputs: Tensor[], outputs: { name: string; tensor: Tensor }[]): Promise<InferenceSession> {
  const bytes = encodeModel({
    irVersion: IR_VERSION,
    opsets: [{ domain: '', version: OPSET }],
    producerName: 'test',
    graph: g.toGraphProto('check', inputs, outputs),
  });
  return InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
}

export function ortTensor(dtype: DType, data: Values, shape: readonly number[]): OrtTensor {
  return new OrtTensor(dtype, data as Float32Array, [...shape]);
}

function makeValues(spec: CheckInput, rng: Rng): Values {
  const dtype = spec.dtype ?? 'float32';
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.values) {
    if (dtype === 'int64') return BigInt64Array.from(spec.values, (v) => BigInt(v));
    if (dtype === 'bool') return Uint8Array.from(spec.values);
    return Float32Array.from(spec.values);
  }
  if (dtype !== 'float32') throw new Error('non-float inputs need values');
  const draw = spec.draw ?? draws.normal;
  return Float32Array.from({ length: n }, () => draw(rng));
}

export interface CheckReport {
  /** Largest |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|)); ≤ 1 passes. */
  worst: number;
  checked: number;
  failures: string[];
}

/**
 * Builds `fn` over the inputs, then compares grad() with central differences for every float input without
 * fixed values and every parameter `fn` declares.
 */
export async function checkGradients(
  inputs: Record<string, CheckInput>,
  fn: (g: Graph, xs: Record<string, Tensor>) => Tensor,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const { eps = 1e-2, rtol = 1e-2, atol = 2e-3, seed = 1 } = options;
  const rng = createRng(seed);
  const g = new Graph();
  const xs: Record<string, Tensor> = {};
  const values: Record<string, Values> = {};
  const diff: string[] = [];
  for (const [name, spec] of Object.entries(inputs)) {
    const dtype = spec.dtype ?? 'float32';
    xs[name] = dtype === 'float32' && !spec.values ? g.param(name, spec.shape, { kind: 'zeros' }) : g.input(name, dtype, spec.shape);
    if (xs[name]!.kind === 'param') diff.push(name);
    values[name] = makeValues(spec, rng);
  }
  const out = fn(g, xs);
  // Parameters the function created itself (a layer's weights) are differentiated too.
  for (const p of g.params) {
    if (p.name in xs) continue;
    xs[p.name] = p.tensor;
    diff.push(p.name);
    values[p.name] = Float32Array.from({ length: p.tensor.size }, () => 0.5 * rng.normal());
  }
  const w = g.constant(Float32Array.from({ length: out.size }, () => rng.normal()), out.shape, 'float32', 'projection');
  const loss = g.reduceSum(g.mul(out, w));
  const params = diff.map((n) => xs[n]!);
  const grads = grad(g, loss, params);
  const allInputs = Object.values(xs);
  const gradSession = await sessionOf(g, allInputs, [
    { name: 'loss', tensor: loss },
    ...params.map((p) => ({ name: `d/${p.name}`, tensor: grads.get(p)! })),
  ]);
  const lossSession = await sessionOf(g, allInputs, [{ name: 'loss', tensor: loss }]);
  const feeds = (): Record<string, OrtTensor> =>
    Object.fromEntries(Object.entries(xs).map(([n, t]) => [n, ortTensor(t.dtype, values[n]!, t.shape)]));
  const analytic = await gradSession.run(feeds());
  const report: CheckReport = { worst: 0, checked: 0, failures: [] };
  for (const name of diff) {
    const a = analytic[`d/${name}`]!.data as Float32Array;
    const x = values[name] as Float32Array;
    let coords = Array.from({ length: x.length }, (_, i) => i);
    if (options.maxCoords !== undefined && coords.length > options.maxCoords) coords = rng.shuffle(coords).slice(0, options.maxCoords);
    for (const i of coords) {
      const keep = x[i]!;
      x[i] = keep + eps;
      const up = (await lossSession.run(feeds())).loss!.data as Float32Array;
      x[i] = keep - eps;
      const down = (await lossSession.run(feeds())).loss!.data as Float32Array;
      x[i] = keep;
      const numeric = (up[0]! - down[0]!) / (2 * eps);
      const got = a[i]!;
      const ratio = Math.abs(got - numeric) / (atol + rtol * Math.max(Math.abs(got), Math.abs(numeric)));
      report.checked++;
      report.worst = Math.max(report.worst, ratio);
      if (!(ratio <= 1)) report.failures.push(`${name}[${i}]: analytic ${got}, numeric ${numeric}`);
    }
  }
  await gradSession.release();
  await lossSession.release();
  return report;
}
