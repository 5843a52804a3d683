/**
 * Training must be reproducible with several intra-op threads, not only with the default one: a user may set
 * `threads`. The embedding gradient once used ScatterND(reduction=add), which loses updates when several
 * threads add into one row, so two identical runs drifted apart; this test trains twice with many repeated
 * token ids per batch and compares checkpoint bytes. And the count itself must not matter: MLAS once rounded
 * three of the step's products differently on 1 and 2 threads (onnx/kBlocks.ts), so the same training on 1, 2
 * and 4 threads must give the same checkpoint and the same answers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/engine/solver/checkpoint.js';
import type { SolverSample } from '../../../src/engine/solver/features.js';
import { DEFAULT_MODEL } from '../../../src/engine/solver/model.js';
import { Solver } from '../../../src/engine/solver/solver.js';
import { toyCountingSample, toyDirectionSample } from '../../../src/engine/solver/synthetic.js';
import { createRng } from '../../../src/shared/random.js';

function samples(n: number): SolverSample[] {
  const rng = createRng(3);
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? toyDirectionSample(rng) : toyCountingSample(rng)));
}

const open: Solver[] = [];
afterAll(async () => {
  for (const s of open) await s.dispose();
});

async function trained(data: SolverSample[], threads = 2): Promise<Solver> {
  const solver = await Solver.create({ model: DEFAULT_MODEL }, 5, { threads, inferenceWorkers: 0, log: () => undefined });
  open.push(solver);
  await solver.train(data, { steps: 6, batch: 32, lr: 2e-3 });
  return solver;
}
const trainedBytes = async (data: SolverSample[]): Promise<Uint8Array> => (await trained(data)).checkpoint();

describe('training determinism across intra-op threads', () => {
  it('two identical trainings give identical checkpoint bytes', async () => {
    const data = samples(96);
    const a = await trainedBytes(data);
    const b = await trainedBytes(data);
    expect(a.length).toBe(b.length);
    expect(crc32(b)).toBe(crc32(a));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  }, 120_000);

  it('1, 2 and 4 threads give the same checkpoint bytes and the same answers', async () => {
    const data = samples(96);
    const runs = [];
    for (const threads of [1, 2, 4]) {
      const solver = await trained(data, threads);
      const answers = (await solver.answer(data.slice(0, 40))).map((a) => [a.prediction, a.predictionConfidence, a.groundTruthConfidence, a.pCorrect]);
      runs.push({ threads, bytes: Buffer.from(solver.checkpoint()), answers });
    }
    for (const r of runs.slice(1)) {
      expect(r.bytes.equals(runs[0]!.bytes), `checkpoint at ${r.threads} threads against 1`).toBe(true);
      expect(r.answers, `answers at ${r.threads} threads against 1`).toEqual(runs[0]!.answers);
    }
  }, 180_000);
});
