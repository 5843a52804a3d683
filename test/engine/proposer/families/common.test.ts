import { describe, expect, it } from 'vitest';
import { firstTwo } from '../../../../src/engine/proposer/families/common.js';
import { createRng } from '../../../../src/shared/random.js';

describe('firstTwo', () => {
  it('gives what a sort would put first, repeats and short lists included', () => {
    const rng = createRng(1);
    for (let t = 0; t < 5000; t++) {
      // Repeated small integers and fractions, 0 to 5 values.
      const values = Array.from({ length: rng.int(6) }, () => (rng.chance(0.3) ? rng.int(3) : rng.range(-5, 5)));
      const up = [...values].sort((x, y) => x - y);
      const down = [...values].sort((x, y) => y - x);
      // Past a short list's end a sort gives undefined, which arithmetic reads as NaN.
      expect(firstTwo(values, 'ascending')).toEqual([up[0] ?? NaN, up[1] ?? NaN]);
      expect(firstTwo(values, 'descending')).toEqual([down[0] ?? NaN, down[1] ?? NaN]);
    }
    expect(firstTwo([1, 3, 1], 'ascending')).toEqual([1, 1]);
    expect(firstTwo([2, 7, 7, 1], 'descending')).toEqual([7, 7]);
  });
});
