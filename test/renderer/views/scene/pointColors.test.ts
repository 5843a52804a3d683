import { describe, expect, it } from 'vitest';
import { idColor, rampColor } from '../../../../src/renderer/src/lib/colorScale.js';
import { assignObjectIds, fillColors, NO_CONFIDENCE, UNASSIGNED, zRange, type CloudView } from '../../../../src/renderer/src/views/scene/pointColors.js';

function cloud(): CloudView {
  return {
    count: 4,
    positions: new Float32Array([0, 0, 0, 1, 0, 1, 2, 0, 2, 3, 0, 4]),
    colors: new Uint8Array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]),
    objectIds: new Int32Array([-1, 3, 3, 7]),
  };
}

const px = (out: Uint8Array, i: number): number[] => [out[3 * i]!, out[3 * i + 1]!, out[3 * i + 2]!];

describe('point colouring modes', () => {
  it('copies RGB, or grey without colours', () => {
    const out = new Uint8Array(12);
    fillColors('rgb', cloud(), {}, out);
    expect([...out]).toEqual([...cloud().colors!]);
    fillColors('rgb', { ...cloud(), colors: null }, {}, out);
    expect(px(out, 2)).toEqual([180, 180, 180]);
  });

  it('colours by height across the z range', () => {
    const out = new Uint8Array(12);
    expect(zRange(cloud().positions, 4)).toEqual([0, 4]);
    fillColors('height', cloud(), {}, out);
    expect(px(out, 0)).toEqual(rampColor('height', 0));
    expect(px(out, 3)).toEqual(rampColor('height', 1));
    fillColors('height', cloud(), { zRange: [0, 2] }, out);
    expect(px(out, 3)).toEqual(rampColor('height', 1)); // clamped
  });

  it('colours by object id, unassigned points grey', () => {
    const out = new Uint8Array(12);
    fillColors('object', cloud(), {}, out);
    expect(px(out, 0)).toEqual(UNASSIGNED);
    expect(px(out, 1)).toEqual(idColor(3));
    expect(px(out, 2)).toEqual(idColor(3));
    expect(px(out, 3)).toEqual(idColor(7));
  });

  it('colours by per-object confidence, grey where unknown', () => {
    const out = new Uint8Array(12);
    fillColors('confidence', cloud(), { objectConfidence: new Map([[3, 1]]) }, out);
    expect(px(out, 1)).toEqual(rampColor('confidence', 1));
    expect(px(out, 3)).toEqual(NO_CONFIDENCE);
    expect(px(out, 0)).toEqual(NO_CONFIDENCE);
    fillColors('confidence', cloud(), { objectConfidence: new Map([[3, 0]]) }, out);
    expect(px(out, 1)).toEqual(rampColor('confidence', 0));
  });

  it('dims points outside the highlighted objects', () => {
    const out = new Uint8Array(12);
    fillColors('rgb', cloud(), { highlight: new Set([3]) }, out);
    expect(px(out, 1)).toEqual([40, 50, 60]);
    expect(px(out, 0)).toEqual([3, 6, 9]);
    expect(px(out, 3)).toEqual([30, 33, 36]);
  });

  it('assigns points to oriented boxes, the smallest box winning overlaps', () => {
    const positions = new Float32Array([0, 0, 0, 0.9, 0, 0, 0, 0.9, 0, 5, 5, 5]);
    const rot45 = [Math.SQRT1_2, -Math.SQRT1_2, 0, Math.SQRT1_2, Math.SQRT1_2, 0, 0, 0, 1] as const;
    const ids = assignObjectIds(positions, 4, [
      { id: 1, box: { center: [0, 0, 0], extents: [4, 4, 4], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] } },
      // A 1 × 0.2 box rotated 45°: contains the origin, not (0.9, 0, 0) nor (0, 0.9, 0).
      { id: 2, box: { center: [0, 0, 0], extents: [1, 0.2, 1], rotation: [...rot45] } },
    ]);
    expect([...ids]).toEqual([2, 1, 1, -1]);
  });
});
