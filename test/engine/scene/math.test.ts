import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/shared/random.js';
import { hypot } from '../../../src/engine/scene/math.js';

describe('hypot', () => {
  it('gives the builtin Math.hypot bit for bit, over magnitudes from subnormal to near overflow', () => {
    const r = createRng(5);
    const value = (): number => (r.next() - 0.5) * 10 ** (Math.floor(r.next() * 640) - 320);
    let differ = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = value();
      const y = r.chance(0.1) ? x * (r.chance(0.5) ? -1 : 1) : value();
      if (!Object.is(hypot(x, y), Math.hypot(x, y))) differ++;
    }
    expect(differ).toBe(0);
    // Grid-like coordinates, as scene synthesis measures them.
    for (let i = -300; i <= 300; i++) for (let j = -30; j <= 30; j++) expect(hypot(i * 0.05, j * 0.1 + 0.025)).toBe(Math.hypot(i * 0.05, j * 0.1 + 0.025));
  });

  it('agrees on the special values', () => {
    const specials = [0, -0, 1, -1, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN, 3, 4];
    for (const x of specials) for (const y of specials) expect(Object.is(hypot(x, y), Math.hypot(x, y)), `hypot(${x}, ${y})`).toBe(true);
  });
});
