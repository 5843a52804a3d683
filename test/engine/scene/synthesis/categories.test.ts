import { describe, expect, it } from 'vitest';
import { normalizeLabel } from '../../../../src/engine/scene/labels.js';
import type { Category } from '../../../../src/engine/scene/categories.js';
import { CATEGORIES, sizeRangesForLabel } from '../../../../src/engine/scene/categories.js';
import { ROOM_KINDS } from '../../../../src/engine/scene/synthesis/roomKinds.js';

const all: Category[] = Object.values(CATEGORIES);

describe('object categories', () => {
  it('spell labels the way real datasets do after normalisation', () => {
    for (const c of all) {
      expect(normalizeLabel(c.label)).toBe(c.label);
      for (const raw of c.rawLabels) expect(normalizeLabel(raw), `${c.key}: ${raw}`).toBe(c.label);
    }
  });

  it('have sane size priors in metres', () => {
    for (const c of all) {
      for (const r of [c.width, c.depth, c.height]) {
        expect(r[0]).toBeGreaterThan(0);
        expect(r[0]).toBeLessThanOrEqual(r[1]);
        expect(r[1]).toBeLessThan(4.5);
      }
      if (c.placement === 'wall') expect(c.elevation).toBeDefined();
    }
    // A few anchors from everyday furniture.
    const bed = CATEGORIES.bed;
    expect(bed.depth[0]).toBeGreaterThanOrEqual(1.9);
    expect(CATEGORIES.door.height[0]).toBeGreaterThanOrEqual(2);
    expect(CATEGORIES.desk.height[0]).toBeGreaterThanOrEqual(0.7);
    expect(sizeRangesForLabel('lamp').map((c) => c.key).sort()).toEqual(['floorLamp', 'tableLamp']);
  });

  it('cover more than twenty labels, all used by some room kind', () => {
    expect(new Set(all.map((c) => c.label)).size).toBeGreaterThanOrEqual(30);
    expect(Object.keys(ROOM_KINDS).length).toBeGreaterThanOrEqual(5);
    for (const spec of Object.values(ROOM_KINDS)) {
      expect(spec.area[0]).toBeGreaterThan(0);
      expect(spec.area[0]).toBeLessThan(spec.area[1]);
    }
  });
});
