/**
 * Training must be reproducible with several intra-op threads, not only with the default one: a user may set
 * `threads`. The embedding gradient once used ScatterND(reduction=add), which loses updates when several
 * threads add into one row, so two identical runs drifted apart; this test trains twice with many repeated
 * token ids per batch and compares checkpoint bytes.
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

async function trainedBytes(data: SolverSample[]): Promise<Uint8Array> {
  const solver = await Solver.create({ model: DEFAULT_MODEL }, 5, { threads: 2, log: () => undefined });
  open.push(solver);
  await solver.train(data, { steps: 6, batch: 32, lr: 2e-3 });
  return solver.checkpoint();
}

describe('training determinism with two intra-op threads', () => {
  it('two identical trainings give identical checkpoint bytes', async () => {
    const data = samples(96);
    const a = await trainedBytes(data);
    const b = await trainedBytes(data);
    expect(a.length).toBe(b.length);
    expect(crc32(b)).toBe(crc32(a));
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  }, 120_000);
});
