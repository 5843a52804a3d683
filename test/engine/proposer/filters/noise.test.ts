import { describe, expect, it } from 'vitest';
import { overlapShare } from '../../../../src/engine/proposer/filters/noise.js';
import { createRng } from '../../../../src/shared/random.js';

type Box = Parameters<typeof overlapShare>[0];

/** The grid as first written (arrays per sample, no early exit): what the faster one must equal exactly. */
function reference(a: Box, b: Box): number {
  const n = 6;
  let inside = 0;
  const [ra, rb] = [a.rotation, b.rotation];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) {
        const u = ((i + 0.5) / n - 0.5) * a.extents[0]!;
        const v = ((j + 0.5) / n - 0.5) * a.extents[1]!;
        const w = ((k + 0.5) / n - 0.5) * a.extents[2]!;
        const p = [0, 1, 2].map((r) => a.center[r]! + ra[r * 3]! * u + ra[r * 3 + 1]! * v + ra[r * 3 + 2]! * w);
        const d = [p[0]! - b.center[0]!, p[1]! - b.center[1]!, p[2]! - b.center[2]!];
        let ok = true;
        for (let c = 0; c < 3 && ok; c++) ok = Math.abs(rb[c]! * d[0]! + rb[3 + c]! * d[1]! + rb[6 + c]! * d[2]!) <= b.extents[c]! / 2;
        if (ok) inside++;
      }
  return inside / n ** 3;
}

function box(r: ReturnType<typeof createRng>, id: number, near?: Box): Box {
  const yaw = r.range(-Math.PI, Math.PI);
  const tilt = r.chance(0.3) ? r.range(-0.3, 0.3) : 0;
  const [cy, sy, ct, st] = [Math.cos(yaw), Math.sin(yaw), Math.cos(tilt), Math.sin(tilt)];
  // Yaw about z after a tilt about x: orthonormal, as scenes are validated to be.
  const rotation = [cy, -sy * ct, sy * st, sy, cy * ct, -cy * st, 0, st, ct];
  const extents: [number, number, number] = [r.range(0.05, 2), r.range(0.05, 2), r.range(0.05, 2)];
  const spread = near ? Math.max(...near.extents) * r.range(0.2, 1.6) : 6;
  const base = near?.center ?? [0, 0, 0];
  const center: [number, number, number] = [base[0]! + r.range(-spread, spread), base[1]! + r.range(-spread, spread), base[2]! + r.range(-spread / 2, spread / 2)];
  return { id, label: 'chair', center, extents, rotation } as unknown as Box;
}

describe('overlapShare (the noise filter\'s duplicate-box test)', () => {
  it('equals the plain grid on random rotated boxes, far, near and touching', () => {
    const r = createRng(11);
    let overlapping = 0;
    for (let t = 0; t < 3000; t++) {
      const a = box(r, 1);
      const b = box(r, 2, r.chance(0.7) ? a : undefined);
      const got = overlapShare(a, b);
      expect(got).toBe(reference(a, b));
      if (got > 0) overlapping++;
    }
    // Both paths taken: the early exit and the grid's partial shares.
    expect(overlapping).toBeGreaterThan(300);
    expect(overlapping).toBeLessThan(2700);
  });
});
