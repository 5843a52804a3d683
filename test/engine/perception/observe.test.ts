import { describe, expect, it } from 'vitest';
import { confusableLabels } from '../../../src/engine/perception/labelConfusion.js';
import { observeScene } from '../../../src/engine/perception/observe.js';
import { generateSyntheticScene } from '../../../src/engine/sources/synthetic.js';
import { InputError } from '../../../src/shared/errors.js';
import type { Detection, Observation, PerceptionConfig, PerceptionNoise } from '../../../src/shared/observation.js';
import { defaultPerceptionConfig } from '../../../src/shared/observation.js';
import { NO_NOISE, box, frame, scene, still } from './sceneFixtures.js';

function config(noise: Partial<PerceptionNoise> = {}, rest: Partial<PerceptionConfig> = {}): PerceptionConfig {
  return { frames: 32, egoMotion: true, seed: 7, ...rest, noise: { ...NO_NOISE, ...noise } };
}

const all = (o: Observation): Detection[] => o.frames.flatMap((f) => f.detections);

// A unit cube centred 4 m ahead: its near face is at depth 3.5 and spans ±0.5 m, i.e. 50 ± 100·0.5/3.5 px.
const NEAR_FACE = 50 - 100 / 7;
const FAR_FACE = 50 + 100 / 7;

describe('observeScene without noise', () => {
  it('reports the projected box, the true depth and full visibility of a cube straight ahead', () => {
    const o = observeScene(scene([box(1, 'chair', [4, 0, 1])], [frame(0)]), config());
    expect(o.frames).toHaveLength(1);
    const [d] = o.frames[0]!.detections;
    expect(o.frames[0]!.detections).toHaveLength(1);
    expect(d!.label).toBe('chair');
    d!.box.forEach((x, k) => expect(x).toBeCloseTo([NEAR_FACE, NEAR_FACE, FAR_FACE, FAR_FACE][k]!, 9));
    expect(d!.depth).toBeCloseTo(3.5, 9);
    expect(d!.visibleFraction).toBe(1);
    expect(d!.score).toBeCloseTo(1, 12);
  });

  it('clips a box that leaves the image at the image border', () => {
    // Centred at camera x = 2 m: the far face's inner edge (x = 1.5 m at depth 4.5 m) is the leftmost point.
    const o = observeScene(scene([box(1, 'chair', [4, -2, 1])], [frame(0)]), config());
    const d = o.frames[0]!.detections[0]!;
    [250 / 3, NEAR_FACE, 100, FAR_FACE].forEach((x, k) => expect(d.box[k]).toBeCloseTo(x, 9));
    expect(d.visibleFraction).toBeGreaterThan(0);
    expect(d.visibleFraction).toBeLessThan(1);
    expect(d.score).toBeLessThan(1);
  });

  it('does not detect an object hidden behind another, and detects the one in front', () => {
    const o = observeScene(scene([box(1, 'chair', [4, 0, 1]), box(2, 'cabinet', [2, 0, 1], [0.2, 3, 3])], [frame(0)]), config());
    expect(o.frames[0]!.detections.map((d) => d.label)).toEqual(['cabinet']);
    expect(o.frames[0]!.detections[0]!.depth).toBeCloseTo(1.9, 9);
  });

  it('does not detect objects behind the camera or outside the image', () => {
    const o = observeScene(scene([box(1, 'chair', [-4, 0, 1]), box(2, 'table', [4, 6, 1]), box(3, 'sofa', [0.5, 0, 1], [0.2, 0.2, 0.2])], [frame(0)]), config());
    // The sofa's box sits 0.4–0.6 m ahead, inside the image; the others must be missing.
    expect(o.frames[0]!.detections.map((d) => d.label)).toEqual(['sofa']);
  });

  it('drops detections below minVisibleFraction', () => {
    // A post hides the left half of a wide board.
    const objects = [box(1, 'whiteboard', [4, 0, 1], [0.05, 2, 1]), box(2, 'lamp', [2, 0.5, 1], [0.1, 1, 1])];
    const f = observeScene(scene(objects, [frame(0)]), config()).frames[0]!;
    const board = f.detections.find((d) => d.label === 'whiteboard')!;
    expect(board.visibleFraction).toBeGreaterThan(0.3);
    expect(board.visibleFraction).toBeLessThan(0.7);
    const strict = observeScene(scene(objects, [frame(0)]), config({ minVisibleFraction: 0.8 })).frames[0]!;
    expect(strict.detections.map((d) => d.label)).toEqual(['lamp']);
  });

  it('samples frames evenly, first and last kept, with timestamps, intrinsics and the ego pose', () => {
    const trajectory = Array.from({ length: 10 }, (_, i) => frame(i, [-i * 0.1, 0, 1], [4, 0, 1]));
    const o = observeScene(scene([box(1, 'chair', [4, 0, 1])], trajectory), config({}, { frames: 4 }));
    expect(o.frames.map((f) => f.frame)).toEqual([0, 3, 6, 9]);
    expect(o.frames.map((f) => f.timestamp)).toEqual([0, 0.3, 0.6, 0.9]);
    expect(o.frames[3]!.egoPose).toEqual(trajectory[9]!.pose);
    expect(o.frames[0]!.intrinsics).toEqual({ fx: 100, fy: 100, cx: 50, cy: 50 });
    expect([o.frames[0]!.width, o.frames[0]!.height]).toEqual([100, 100]);
    // Asking for more frames than there are gives every frame once.
    expect(observeScene(scene([], trajectory), config({}, { frames: 50 })).frames).toHaveLength(10);
  });

  it('withholds the ego pose when egoMotion is false', () => {
    const o = observeScene(scene([box(1, 'chair', [4, 0, 1])], still(3)), config({}, { egoMotion: false }));
    for (const f of o.frames) expect('egoPose' in f).toBe(false);
    expect(JSON.stringify(o)).not.toContain('egoPose');
  });
});

describe('observeScene noise model', () => {
  const cube = [box(1, 'chair', [4, 0, 1])];

  it('scatters depth with the configured relative standard deviation', () => {
    const o = observeScene(scene(cube, still(1000)), config({ depthRelStd: 0.05 }, { frames: 1000 }));
    const rel = all(o).map((d) => d.depth / 3.5 - 1);
    expect(rel).toHaveLength(1000);
    const mean = rel.reduce((s, x) => s + x, 0) / rel.length;
    const std = Math.sqrt(rel.reduce((s, x) => s + (x - mean) ** 2, 0) / (rel.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.006); // 0.05 / √1000 ≈ 0.0016: well over 3σ of slack
    expect(std).toBeGreaterThan(0.045);
    expect(std).toBeLessThan(0.055);
  });

  it('misses visible objects at about the miss rate', () => {
    const o = observeScene(scene(cube, still(1000)), config({ missRate: 0.3 }, { frames: 1000 }));
    const kept = all(o).length;
    // Binomial(1000, 0.7): σ ≈ 14.5.
    expect(kept).toBeGreaterThan(650);
    expect(kept).toBeLessThan(750);
  });

  it('jitters box corners by about boxJitter × box size', () => {
    const o = observeScene(scene(cube, still(500)), config({ boxJitter: 0.05 }, { frames: 500 }));
    const size = FAR_FACE - NEAR_FACE;
    const offsets = all(o).flatMap((d) => [d.box[0] - NEAR_FACE, d.box[1] - NEAR_FACE, d.box[2] - FAR_FACE, d.box[3] - FAR_FACE].map((x) => x / size));
    const std = Math.sqrt(offsets.reduce((s, x) => s + x * x, 0) / offsets.length);
    expect(std).toBeGreaterThan(0.045);
    expect(std).toBeLessThan(0.055);
    for (const d of all(o)) expect(d.box[0] <= d.box[2] && d.box[1] <= d.box[3]).toBe(true);
  });

  it('confuses labels only with their look-alikes, and never labels without any', () => {
    const objects = [box(1, 'chair', [4, -1.2, 1], [0.6, 0.6, 0.6]), box(2, 'tv', [4, 0, 1], [0.6, 0.6, 0.6]), box(3, 'crate', [4, 1.2, 1], [0.6, 0.6, 0.6])];
    const o = observeScene(scene(objects, still(300)), config({ labelConfusion: 0.5 }, { frames: 300 }));
    const byTruth = new Map<string, string[]>([['chair', []], ['tv', []], ['crate', []]]);
    for (const f of o.frames) {
      // Camera x is world −y, so left to right in the image is crate, tv, chair.
      const sorted = [...f.detections].sort((a, b) => a.box[0] - b.box[0]);
      expect(sorted).toHaveLength(3);
      ['crate', 'tv', 'chair'].forEach((truth, k) => byTruth.get(truth)!.push(sorted[k]!.label));
    }
    for (const [truth, labels] of byTruth) {
      const swapped = labels.filter((l) => l !== truth);
      if (confusableLabels(truth).length === 0) expect(swapped).toEqual([]);
      else {
        for (const l of swapped) expect(confusableLabels(truth)).toContain(l);
        expect(swapped.length / labels.length).toBeGreaterThan(0.4);
        expect(swapped.length / labels.length).toBeLessThan(0.6);
      }
    }
    expect(new Set(byTruth.get('chair'))).toEqual(new Set(['chair', ...confusableLabels('chair')]));
  });

  it('keeps the confusion table symmetric', () => {
    for (const label of ['chair', 'stool', 'table', 'desk', 'sofa', 'armchair', 'tv', 'monitor', 'cabinet', 'nightstand']) {
      expect(confusableLabels(label).length).toBeGreaterThan(0);
      for (const other of confusableLabels(label)) expect(confusableLabels(other)).toContain(label);
    }
  });
});

describe('observeScene determinism and contract', () => {
  const synthetic = generateSyntheticScene({ seed: 11 });

  it('is reproducible per seed and differs between seeds', () => {
    const a = observeScene(synthetic, defaultPerceptionConfig(1));
    const b = observeScene(synthetic, defaultPerceptionConfig(1));
    const c = observeScene(synthetic, defaultPerceptionConfig(2));
    expect(b).toEqual(a);
    expect(all(a).length).toBeGreaterThan(20);
    expect(JSON.stringify(c.frames)).not.toEqual(JSON.stringify(a.frames));
  });

  it('does not depend on the order of the scene objects', () => {
    const reversed = { ...synthetic, objects: [...synthetic.objects].reverse() };
    expect(observeScene(reversed, defaultPerceptionConfig(3))).toEqual(observeScene(synthetic, defaultPerceptionConfig(3)));
  });

  it('depends on the scene id, so two copies of a scene are not perturbed alike', () => {
    const twin = { ...synthetic, id: `${synthetic.id}-twin` };
    expect(JSON.stringify(observeScene(twin, defaultPerceptionConfig(3)).frames)).not.toEqual(JSON.stringify(observeScene(synthetic, defaultPerceptionConfig(3)).frames));
  });

  it('gives the solver no object ids and no 3D boxes', () => {
    const o = observeScene(synthetic, defaultPerceptionConfig(4));
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          keys.add(k);
          walk(x);
        }
      }
    };
    walk(JSON.parse(JSON.stringify(o)));
    expect(keys.has('label')).toBe(true);
    for (const k of ['center', 'extents', 'rotation', 'id', 'objectId', 'objects', 'box3d']) expect(keys.has(k)).toBe(false);
    for (const d of all(o)) expect(Object.keys(d).sort()).toEqual(['box', 'depth', 'label', 'score', 'visibleFraction']);
  });

  it('keeps scores in (0, 1] and lower for more occluded detections', () => {
    const ds = all(observeScene(synthetic, defaultPerceptionConfig(5)));
    for (const d of ds) {
      expect(d.score).toBeGreaterThan(0);
      expect(d.score).toBeLessThanOrEqual(1);
    }
    const sorted = [...ds].sort((a, b) => a.visibleFraction - b.visibleFraction);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.score).toBeGreaterThanOrEqual(sorted[k - 1]!.score);
  });

  it('refuses a scene without a trajectory, naming it', () => {
    const bare = scene([box(1, 'chair', [4, 0, 1])]);
    expect(() => observeScene(bare, config())).toThrow(InputError);
    expect(() => observeScene(bare, config())).toThrow(/synthetic:perception-test/);
    expect(() => observeScene(scene([], []), config())).toThrow(InputError);
  });

  it('refuses an invalid configuration', () => {
    const s = scene([], still(2));
    expect(() => observeScene(s, config({}, { frames: 0 }))).toThrow(/perception\.frames/);
    expect(() => observeScene(s, config({ missRate: 1.5 }))).toThrow(/missRate/);
    expect(() => observeScene(s, config({ depthRelStd: -0.1 }))).toThrow(/depthRelStd/);
    expect(() => observeScene(s, config({}, { seed: -1 }))).toThrow(/seed/);
  });
});
