import { describe, expect, it } from 'vitest';
import { labelLayout, layoutFrameLabels, placeLabels, type FrameBoxLabel } from '../../../../src/renderer/src/views/scene/labels.js';
import { lodIndices, MOVING_POINT_BUDGET } from '../../../../src/renderer/src/views/scene/lod.js';
import { distance, pickPoint } from '../../../../src/renderer/src/views/scene/measure.js';
import { formatMetres, pixelsPerMetre, scaleBar } from '../../../../src/renderer/src/views/scene/scaleBar.js';

interface Rect {
  l: number;
  t: number;
  r: number;
  b: number;
}
const overlaps = (p: Rect, q: Rect): boolean => p.l < q.r && q.l < p.r && p.t < q.b && q.t < p.b;

describe('labels that do not collide', () => {
  it('keeps every label at its anchor when there is room', () => {
    const out = labelLayout(2);
    expect(placeLabels(2, [100, 300], [100, 100], [50, 50], [14, 14], 'center-above', out)).toBe(2);
    expect([...out.x]).toEqual([75, 275]);
    expect([...out.y]).toEqual([86, 86]);
  });

  it('nudges a colliding label up, then down, then hides it, first labels winning', () => {
    const n = 4;
    const out = labelLayout(n);
    // Four labels on one anchor: at it, one above, one below, and the fourth has nowhere to go.
    const shown = placeLabels(n, [200, 200, 200, 200], [200, 200, 200, 200], [60, 60, 60, 60], [14, 14, 14, 14], 'center-above', out);
    expect(shown).toBe(3);
    expect([...out.shown]).toEqual([1, 1, 1, 0]);
    expect([out.y[0], out.y[1], out.y[2]]).toEqual([186, 170, 202]);
    const rects: Rect[] = [0, 1, 2].map((i) => ({ l: out.x[i]!, t: out.y[i]!, r: out.x[i]! + 60, b: out.y[i]! + 14 }));
    for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(overlaps(rects[i]!, rects[j]!)).toBe(false);
  });

  it('hides labels whose anchor is off screen and keeps labels inside the view', () => {
    const out = labelLayout(3);
    placeLabels(3, [NaN, 50, 50], [10, 5, 500], [40, 40, 40], [14, 14, 14], 'left-above', out, 400);
    // 0: no anchor; 1: would stick out at the top, so it goes below its anchor; 2: below the view.
    expect([...out.shown]).toEqual([0, 1, 0]);
    expect(out.y[1]).toBe(7);
  });

  it('lays frame labels out without overlaps, the selected and highlighted objects first', () => {
    const boxes: FrameBoxLabel[] = [
      { objectId: 1, label: 'chair', box: [10, 10, 60, 60], visibleFraction: 1 },
      { objectId: 2, label: 'table', box: [12, 12, 90, 90], visibleFraction: 0.5 },
      { objectId: 3, label: 'lamp', box: [14, 11, 30, 30], visibleFraction: 1 },
      { objectId: 4, label: 'sofa', box: [11, 13, 20, 20], visibleFraction: 1 },
      { objectId: 5, label: 'bed', box: [200, 10, 260, 60], visibleFraction: 1 },
    ];
    const fontSize = 10;
    const placed = layoutFrameLabels(boxes, 3, [4], fontSize, 96);
    expect(placed.has(2)).toBe(true); // lamp, selected
    expect(placed.has(3)).toBe(true); // sofa, highlighted
    expect(placed.has(4)).toBe(true); // bed, alone
    expect(placed.size).toBeLessThan(boxes.length);
    const rects = [...placed].map(([i, p]) => ({ l: p.x, t: p.y, r: p.x + (boxes[i]!.label.length + 4) * fontSize * 0.62, b: p.y + fontSize * 1.2 }));
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i]!, rects[j]!), `${i} ${j}`).toBe(false);
    expect(placed.get(4)).toEqual({ x: 202, y: 10 });
  });
});

describe('scale bar', () => {
  it('picks 1, 2 or 5 × 10^k metres near the wanted width', () => {
    expect(scaleBar(100, 120)).toEqual({ metres: 1, px: 100, label: '1 m' });
    expect(scaleBar(50, 120)).toEqual({ metres: 2, px: 100, label: '2 m' });
    expect(scaleBar(30, 120)).toEqual({ metres: 5, px: 150, label: '5 m' });
    expect(scaleBar(1000, 120)?.label).toBe('10 cm');
    expect(scaleBar(2, 120)?.label).toBe('50 m');
    for (let ppm = 0.5; ppm < 5000; ppm *= 1.37) {
      const s = scaleBar(ppm, 120)!;
      expect(s.px).toBeGreaterThan(120 / 2.2);
      expect(s.px).toBeLessThan(120 * 1.6);
    }
    expect(scaleBar(0)).toBeNull();
    expect(scaleBar(NaN)).toBeNull();
  });

  it('formats lengths without float noise, and pixels per metre follow the field of view', () => {
    expect(formatMetres(0.3)).toBe('30 cm');
    expect(formatMetres(1.2345)).toBe('1.23 m');
    expect(formatMetres(0.005)).toBe('5 mm');
    expect(formatMetres(2000)).toBe('2 km');
    // 90° field of view: the view spans 2·d metres at distance d.
    expect(pixelsPerMetre(800, 90, 2)).toBeCloseTo(200);
  });
});

describe('measuring tool picking', () => {
  it('picks the point nearest the camera within the tolerance cone, or none', () => {
    // A point behind, one off the ray, one far and one near on the ray.
    const pos = new Float32Array([0, 0, -5, 0.5, 0, 3, 0.001, 0, 10, -0.002, 0, 4]);
    expect(pickPoint(pos, 4, [0, 0, 0], [0, 0, 1], 0.01)).toBe(3);
    expect(pickPoint(pos, 3, [0, 0, 0], [0, 0, 1], 0.01)).toBe(2);
    expect(pickPoint(pos, 2, [0, 0, 0], [0, 0, 1], 0.01)).toBe(-1);
    expect(pickPoint(pos, 2, [0, 0, 0], [0, 0, 1], 0.2)).toBe(1);
    expect(distance([0, 0, 0], [3, 4, 12])).toBe(13);
  });
});

describe('detail while moving', () => {
  it('subsamples large clouds evenly, in order, within range; small ones are drawn whole', () => {
    expect(lodIndices(1000, 2000)).toBeNull();
    expect(lodIndices(1000, 1000)).toBeNull();
    const n = 2_000_000;
    const idx = lodIndices(n, MOVING_POINT_BUDGET)!;
    expect(idx).toHaveLength(MOVING_POINT_BUDGET);
    let ascending = true;
    for (let k = 1; k < idx.length; k++) ascending &&= idx[k]! > idx[k - 1]!;
    expect(ascending).toBe(true);
    expect(idx[idx.length - 1]!).toBeLessThan(n);
    // Even: every tenth of the cloud holds a tenth of the sample.
    const perTenth = new Array(10).fill(0);
    for (const i of idx) perTenth[Math.floor((i / n) * 10)]++;
    for (const c of perTenth) expect(c).toBe(MOVING_POINT_BUDGET / 10);
    expect(lodIndices(n, MOVING_POINT_BUDGET)).toEqual(idx); // seeded
  });
});
