import { afterAll, describe, expect, it } from 'vitest';
import { ANSWER_RANGES } from '../../../src/engine/solver/answers.js';
import { CheckpointError, crc32 } from '../../../src/engine/solver/checkpoint.js';
import type { SolverSample } from '../../../src/engine/solver/features.js';
import { Solver, type SolverConfigInput } from '../../../src/engine/solver/solver.js';
import { toyCountingSample, toyDirectionSample } from '../../../src/engine/solver/synthetic.js';
import { InputError } from '../../../src/shared/errors.js';
import { createRng } from '../../../src/shared/random.js';
import { runtime, tiny } from './tinySolver.js';


function samples(n: number, seed: number): SolverSample[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i % 3 === 0) return toyDirectionSample(rng);
    if (i % 3 === 1) return toyCountingSample(rng);
    // A measured answer, to exercise the numeric bins.
    const s = toyCountingSample(rng);
    return { ...s, qa: { ...s.qa, family: 'object_abs_distance' as const, question: 'Measuring from the closest point of each object, what is the direct distance between the chair and the sofa (in meters)?', answer: 1.5 + i / 10 } };
  });
}

const data = samples(24, 1);
const open: Solver[] = [];
async function make(seed = 0, config: SolverConfigInput = tiny): Promise<Solver> {
  const s = await Solver.create(config, seed, runtime);
  open.push(s);
  return s;
}
afterAll(async () => {
  for (const s of open) await s.dispose();
});

describe('Solver', () => {
  it('predicts a valid answer of the right kind for every question, with a probability as confidence', async () => {
    const solver = await make();
    const p = await solver.predict(data.map((s) => ({ ...s, qa: { ...s.qa, answer: undefined } })));
    expect(p).toHaveLength(data.length);
    p.forEach((x, i) => {
      const qa = data[i]!.qa;
      if (qa.answerType === 'choice') expect(['A', 'B']).toContain(x.prediction);
      else if (qa.family === 'object_counting') expect(Number.isInteger(x.prediction)).toBe(true);
      else expect(x.answerClass).toBeGreaterThanOrEqual(ANSWER_RANGES.m.start);
      expect(x.predictionConfidence).toBeGreaterThan(0);
      expect(x.predictionConfidence).toBeLessThanOrEqual(1);
    });
    // Scoring the solver's own answer gives back its confidence.
    const own = await solver.score(data.map((s, i) => ({ ...s, qa: { ...s.qa, answer: p[i]!.prediction } })));
    own.forEach((c, i) => expect(c).toBeCloseTo(p[i]!.predictionConfidence, 5));
    expect(solver.provider).toBe('cpu');
  });

  it('trains: per-step losses, teacher-forced confidences of what it saw, optimizer state carried across calls', async () => {
    const solver = await make(1);
    const first = await solver.train(data, { steps: 2, batch: 4, lr: 1e-3 });
    expect(first.losses).toHaveLength(2);
    expect(first.lrs).toEqual([1e-3, 1e-3]);
    expect(first.steps).toBe(2);
    expect(first.stopped).toBeUndefined();
    const seen = [...first.groundTruthConfidences].filter((c) => !Number.isNaN(c));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThanOrEqual(8);
    for (const c of seen) expect(c > 0 && c < 1).toBe(true);
    expect([...first.groundTruthConfidences].filter((c) => Number.isNaN(c)).length).toBe(data.length - seen.length);
    // Enough steps to see every sample; a different batch size keeps the state and the count.
    const second = await solver.train(data, { steps: 4, batch: 8, lr: 1e-3, warmupSteps: 3 });
    // Warm-up: linear to the rate over the first steps; the loop records these, it does not recompute them.
    expect(second.lrs.map((x) => Number(x.toPrecision(6)))).toEqual([1e-3 / 3, 2e-3 / 3, 1e-3, 1e-3].map((x) => Number(x.toPrecision(6))));
    expect([...second.groundTruthConfidences].every((c) => c > 0 && c < 1)).toBe(true);
    expect(solver.step).toBe(6);
  });

  it('round-trips a checkpoint exactly, and a restored solver trains on exactly as the original', async () => {
    const a = await make(5);
    await a.train(data, { steps: 2, batch: 6, lr: 2e-3 });
    const bytes = a.checkpoint();
    const b = await Solver.fromCheckpoint(bytes, runtime);
    open.push(b);
    expect(b.step).toBe(2);
    expect(b.checkpoint()).toEqual(bytes);
    expect(await b.predict(data)).toEqual(await a.predict(data));
    const ra = await a.train(data, { steps: 2, batch: 6, lr: 2e-3 });
    const rb = await b.train(data, { steps: 2, batch: 6, lr: 2e-3 });
    expect(rb.losses).toEqual(ra.losses);
    expect(b.checkpoint()).toEqual(a.checkpoint());
  });

  it('refuses a corrupt, truncated, foreign or future checkpoint with a clear error', async () => {
    const solver = await make(2);
    const bytes = solver.checkpoint();
    const flipped = Uint8Array.from(bytes);
    flipped[Math.floor(bytes.length / 2)]! ^= 0x10;
    await expect(Solver.fromCheckpoint(flipped, runtime)).rejects.toThrow(/checksum mismatch.*corrupt/);
    await expect(Solver.fromCheckpoint(bytes.subarray(0, bytes.length - 100), runtime)).rejects.toThrow(CheckpointError);
    await expect(Solver.fromCheckpoint(new TextEncoder().encode('{"not": "a checkpoint at all"}'), runtime)).rejects.toThrow(/not a solver checkpoint/);
    await expect(Solver.fromCheckpoint(bytes.subarray(0, 10), runtime)).rejects.toThrow(/too short/);
    const future = Uint8Array.from(bytes);
    new DataView(future.buffer).setUint32(8, 99, true);
    new DataView(future.buffer).setUint32(future.length - 4, crc32(future.subarray(0, future.length - 4)), true);
    await expect(Solver.fromCheckpoint(future, runtime)).rejects.toThrow(/unsupported version 99/);
  });

  it('refuses non-finite inputs before training, naming the sample and field', async () => {
    const solver = await make(3);
    const bad = structuredClone(data.slice(0, 4));
    const frame = bad[1]!.observation.frames.find((f) => f.detections.length > 0)!;
    frame.detections[0]!.depth = Number.NaN;
    bad[1]!.qa.id = 'nan-sample';
    const before = solver.checkpoint();
    await expect(solver.train(bad, { steps: 1, batch: 2, lr: 1e-3 })).rejects.toThrow(InputError);
    await expect(solver.train(bad, { steps: 1, batch: 2, lr: 1e-3 })).rejects.toThrow(/sample "nan-sample"\.frames\[\d+\]\.detections\[0\]\.depth: expected a finite number, found NaN/);
    await expect(solver.predict(bad)).rejects.toThrow(/finite/);
    await expect(solver.train(data, { steps: 1, batch: 2, lr: Number.NaN })).rejects.toThrow(/lr/);
    expect(solver.checkpoint()).toEqual(before);
  });

  it('stops a diverging run with a clear message and keeps the last sound parameters', async () => {
    const solver = await make(4);
    await solver.train(data, { steps: 1, batch: 4, lr: 1e-3 });
    const r = await solver.train(data, { steps: 5, batch: 4, lr: 1e7 });
    expect(r.stopped).toMatch(/training diverged at update \d+ \(loss .*\); stopped and restored the parameters/);
    expect(r.steps).toBeLessThan(5);
    expect(solver.step).toBe(1 + r.steps - 1);
    // Every parameter of what was kept produces finite answers, and finite losses when trained further.
    for (const p of await solver.predict(data)) expect(Number.isFinite(p.predictionConfidence) && p.predictionConfidence > 0).toBe(true);
    const after = await solver.train(data, { steps: 1, batch: 4, lr: 1e-4 });
    expect(after.stopped).toBeUndefined();
    expect(Number.isFinite(after.losses[0]!)).toBe(true);
  });

  it('several steps per call (a Loop-of-K step, as on CUDA) train the same batches as single steps, to float rounding', async () => {
    const single = await make(2);
    const looped = await Solver.create(tiny, 2, { ...runtime, stepsPerCall: 4 });
    open.push(looped);
    // 2 warm-up steps one by one (their rate changes every step), two calls of 4, and a remainder of 1.
    const options = { steps: 11, batch: 4, lr: 1e-3, warmupSteps: 2 };
    const a = await single.train(data, options);
    const b = await looped.train(data, options);
    expect(b.steps).toBe(11);
    expect(looped.step).toBe(11);
    expect(b.lrs).toEqual(a.lrs);
    b.losses.forEach((l, i) => expect(l, `step ${i}`).toBeCloseTo(a.losses[i]!, 4));
    b.groundTruthConfidences.forEach((c, i) => (Number.isNaN(a.groundTruthConfidences[i]!) ? expect(c).toBeNaN() : expect(c).toBeCloseTo(a.groundTruthConfidences[i]!, 4)));
    // The state went on from the Loop's session to the single-step one and back: the next call continues it.
    const [pa, pb] = [await single.predict(data), await looped.predict(data)];
    pb.forEach((p, i) => expect(p.predictionConfidence).toBeCloseTo(pa[i]!.predictionConfidence, 4));
    expect((await looped.train(data, { steps: 4, batch: 4, lr: 1e-3 })).steps).toBe(4);
    expect(looped.step).toBe(15);
    // Sessions are kept per batch size only: another size releases the idle one (no session leaks across sizes).
    const idle = (looped as unknown as { idle: Map<string, unknown> }).idle;
    expect([...idle.keys()]).toEqual(['4x1']);
    await looped.train(data, { steps: 1, batch: 8, lr: 1e-3 });
    expect(idle.size).toBe(0);
    await looped.train(data, { steps: 4, batch: 8, lr: 1e-3 });
    expect([...idle.keys()]).toEqual(['8x1']);
  });

  it('one step per call stays the CPU default, bit for bit; a diverging Loop call restores the state before it', async () => {
    const plain = await make(3);
    const one = await Solver.create(tiny, 3, { ...runtime, stepsPerCall: 1 });
    open.push(one);
    const [a, b] = [await plain.train(data, { steps: 3, batch: 4, lr: 1e-3 }), await one.train(data, { steps: 3, batch: 4, lr: 1e-3 })];
    expect(b.losses.every((l, i) => Object.is(l, a.losses[i]))).toBe(true);

    const looped = await Solver.create(tiny, 4, { ...runtime, stepsPerCall: 4 });
    open.push(looped);
    await looped.train(data, { steps: 1, batch: 4, lr: 1e-3 });
    const sound = await looped.predict(data);
    const r = await looped.train(data, { steps: 8, batch: 4, lr: 1e7 });
    expect(r.stopped).toMatch(/training diverged at update \d+ \(loss .*\); stopped and restored the parameters this call started from \(after update 1\)/);
    expect(r.steps).toBe(0);
    expect(looped.step).toBe(1);
    const restored = await looped.predict(data);
    restored.forEach((p, i) => expect(p.predictionConfidence).toBe(sound[i]!.predictionConfidence));
    await expect(Solver.create(tiny, 0, { stepsPerCall: 0 })).rejects.toThrow('stepsPerCall must be an integer from 1 to 1024, got 0');
  });

  it('runs on CPU unless CUDA is asked for, and falls back to the CPU with a logged reason', async () => {
    const messages: string[] = [];
    const solver = await Solver.create(tiny, 0, { threads: 1, executionProvider: 'cuda', log: (m) => messages.push(m) });
    open.push(solver);
    if (solver.provider === 'cpu') expect(messages.join('\n')).toMatch(/CUDA execution provider unavailable, running on CPU \(.+\)/);
    const r = await solver.train(data, { steps: 1, batch: 4, lr: 1e-3 });
    expect(r.provider).toBe(solver.provider);
  });
});
