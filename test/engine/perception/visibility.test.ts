import { describe, expect, it } from 'vitest';
import { computeVisibility } from '../../../src/engine/perception/visibility.js';
import { buildProgramData } from '../../../src/engine/proposer/program/programData.js';
import { createSceneApi } from '../../../src/engine/proposer/program/sceneApi.js';
import { lookAtPose, rotationZ } from '../../../src/engine/scene/math.js';
import type { CameraFrame, Mat3, Scene, SceneObject, Vec3 } from '../../../src/shared/scene.js';
import { IDENTITY3, IDENTITY4 } from '../../../src/shared/scene.js';

// 640×480, fx = 500: the horizontal half field of view is atan(320 / 500) ≈ 32.6°.
const INTRINSICS = { fx: 500, fy: 500, cx: 320, cy: 240 };

function box(id: number, label: string, center: Vec3, extents: Vec3, rotation: Mat3 = IDENTITY3): SceneObject {
  return { id, label, rawLabel: label, box: { center, extents, rotation } };
}

function frame(index: number, eye: Vec3, target: Vec3): CameraFrame {
  return { index, timestamp: index * 0.5, pose: lookAtPose(eye, target), intrinsics: INTRINSICS, width: 640, height: 480 };
}

function scene(objects: SceneObject[], trajectory?: CameraFrame[], floorZ?: number): Scene {
  return {
    id: 'synthetic:test',
    dataset: 'synthetic',
    objects,
    room: { area: 30, center: [0, 0, 1.5], floorZ },
    trajectory,
    provenance: {
      source: 'synthetic',
      sourceId: 'test',
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: IDENTITY4, notes: [] },
      synthesised: [],
      seeds: {},
      warnings: [],
    },
  };
}

const fractionOf = (s: Scene, id: number, f = 0): number => computeVisibility(s).perObject.get(id)!.fractions[f]!;

describe('computeVisibility', () => {
  const camera = [frame(0, [-4, 0, 1], [0, 0, 1])];

  it('sees an unobstructed box in front of the camera entirely', () => {
    const s = scene([box(1, 'crate', [0, 0, 0.5], [0.6, 0.6, 0.6])], camera);
    const v = computeVisibility(s);
    expect(v.hasTrajectory).toBe(true);
    expect(v.frames).toBe(1);
    expect(v.perObject.get(1)).toEqual({ firstFrame: 0, frames: [0], fractions: [1], maxFraction: 1 });
    expect(v.cameras[0]!.position).toEqual([-4, 0, 1]);
    expect(v.cameras[0]!.forward[0]).toBeCloseTo(1, 12);
  });

  it('hides a box behind a wall-like box, and sees the wall', () => {
    const s = scene([box(1, 'crate', [0, 0, 0.5], [0.6, 0.6, 0.6]), box(2, 'wall', [-2, 0, 1.5], [0.2, 4, 3])], camera);
    const v = computeVisibility(s);
    expect(v.perObject.get(1)!.fractions).toEqual([0]);
    expect(v.perObject.get(1)!.firstFrame).toBeNull();
    // 1.9 m away the image spans y ∈ ±1.22 and z ∈ 1 ± 0.91 of the wall's 4 × 3 m face: about a third.
    expect(v.perObject.get(2)!.fractions[0]).toBeGreaterThan(0.25);
    expect(v.perObject.get(2)!.fractions[0]).toBeLessThan(0.45);
  });

  it('hides part of a box behind a narrower occluder', () => {
    // A post covering y ∈ [−0.1, 0.4] in front of a board spanning y ∈ [−1, 1] (the camera looks along +x).
    const s = scene([box(1, 'board', [0, 0, 1], [0.05, 2, 1]), box(2, 'post', [-2, 0.15, 1], [0.1, 0.25, 3])], camera);
    const f = fractionOf(s, 1);
    expect(f).toBeGreaterThan(0.3);
    expect(f).toBeLessThan(0.9);
  });

  it('does not see a box behind the camera', () => {
    const s = scene([box(1, 'crate', [-7, 0, 1], [0.6, 0.6, 0.6])], camera);
    expect(computeVisibility(s).perObject.get(1)).toEqual({ firstFrame: null, frames: [], fractions: [0], maxFraction: 0 });
  });

  it('counts only the part inside the image', () => {
    // A board at x = 1 facing the camera; the image's left edge is at y = 5 · 320/500 = 3.2 there, so the
    // board y ∈ [2.2, 4.2] is half in view; its −y side face is fully in view.
    const s = scene([box(1, 'board', [1, 3.2, 1], [0.02, 2, 1])], camera);
    const f = fractionOf(s, 1);
    expect(f).toBeGreaterThan(0.45);
    expect(f).toBeLessThan(0.65);
  });

  it('gives firstFrame k to an object entering the view at frame k', () => {
    // The camera turns from facing −y towards +x; the crate at 5 m along +x (±2.9° wide) enters at the
    // 20° frame (index 3) and is outside the ±32.6° field of view at 50° and beyond.
    const yaws = [-90, -70, -50, -20, 0, 10];
    const trajectory = yaws.map((deg, i) => {
      const t = (deg * Math.PI) / 180;
      return frame(i, [0, 0, 1], [Math.cos(t), Math.sin(t), 1]);
    });
    const v = computeVisibility(scene([box(1, 'crate', [5, 0, 1], [0.5, 0.5, 0.5])], trajectory));
    const o = v.perObject.get(1)!;
    expect(o.firstFrame).toBe(3);
    expect(o.frames).toEqual([3, 4, 5]);
    expect(o.fractions.slice(0, 3)).toEqual([0, 0, 0]);
    expect(o.maxFraction).toBe(1);
  });

  it('thresholds on minFraction', () => {
    const s = scene([box(1, 'board', [1, 3.2, 1], [0.02, 2, 1])], camera);
    expect(computeVisibility(s, { minFraction: 0.4 }).perObject.get(1)!.frames).toEqual([0]);
    expect(computeVisibility(s, { minFraction: 0.8 }).perObject.get(1)!.frames).toEqual([]);
  });

  it('lets neither a box around the camera nor a box around the sample hide it', () => {
    const room = box(1, 'room', [0, 0, 1.5], [12, 12, 3]);
    // The pillow's box sinks into the bed's box, as annotations of things lying on things do.
    const bed = box(2, 'bed', [0, 0, 0.4], [2, 2, 0.8]);
    const pillow = box(3, 'pillow', [0, 0, 0.8], [0.5, 0.5, 0.3]);
    const v = computeVisibility(scene([room, bed, pillow], [frame(0, [-3, 0, 2], [0, 0, 0.5])]));
    // Every camera-facing sample of the pillow counts, including the half of its side that lies in the bed.
    expect(v.perObject.get(3)!.fractions[0]).toBe(1);
    expect(v.perObject.get(2)!.fractions[0]).toBeGreaterThan(0.5);
    expect(v.perObject.get(2)!.fractions[0]).toBeLessThan(1);
  });

  it('reports a scene without a trajectory as such, every object never seen', () => {
    const v = computeVisibility(scene([box(1, 'crate', [0, 0, 0.5], [1, 1, 1]), box(4, 'lamp', [2, 0, 0.5], [0.3, 0.3, 1])]));
    expect(v.hasTrajectory).toBe(false);
    expect(v.frames).toBe(0);
    expect(v.cameras).toEqual([]);
    expect([...v.perObject.keys()]).toEqual([1, 4]);
    for (const o of v.perObject.values()) expect(o).toEqual({ firstFrame: null, frames: [], fractions: [], maxFraction: 0 });
  });

  it('subsamples long trajectories evenly, first and last frames kept', () => {
    const trajectory = Array.from({ length: 10 }, (_, i) => frame(i, [-4, i * 0.1, 1], [0, 0, 1]));
    const v = computeVisibility(scene([box(1, 'crate', [0, 0, 0.5], [0.6, 0.6, 0.6])], trajectory), { maxFrames: 4 });
    expect(v.frames).toBe(4);
    expect(v.frameIndices).toEqual([0, 3, 6, 9]);
    expect(v.timestamps).toEqual([0, 1.5, 3, 4.5]);
    expect(v.cameras.map((c) => c.position[1])).toEqual([0, 0.30000000000000004, 0.6000000000000001, 0.9]);
    expect(v.perObject.get(1)!.fractions).toHaveLength(4);
  });

  it('is deterministic and independent of rotation of a box about its own symmetric axes', () => {
    const objects = [box(1, 'crate', [0, 0, 0.5], [0.6, 0.6, 0.6]), box(2, 'wall', [-2, 0.5, 1.5], [0.2, 1.2, 3])];
    const a = computeVisibility(scene(objects, camera));
    const b = computeVisibility(scene(objects, camera));
    expect([...b.perObject]).toEqual([...a.perObject]);
    const turned = [box(1, 'crate', [0, 0, 0.5], [0.6, 0.6, 0.6], rotationZ(Math.PI / 2)), objects[1]!];
    expect(computeVisibility(scene(turned, camera)).perObject.get(1)!.fractions[0]).toBeCloseTo(a.perObject.get(1)!.fractions[0]!, 12);
  });
});

describe('buildProgramData', () => {
  it('produces JSON the scene API reads, with visibility, cameras and fps', () => {
    // Frame 0 sees the crate past the wall's end; frames 1 and 2 look at it straight through the wall.
    const trajectory = [frame(0, [-4, 3, 1], [0, 0, 0.5]), frame(1, [-4, 0, 1], [0, 0, 1]), frame(2, [-4, 0, 1.2], [0, 0, 1])];
    const s = scene([box(5, 'crate', [0, 0, 0.5], [0.6, 0.6, 0.6]), box(2, 'wall', [-2, 0, 1.5], [0.2, 1, 3])], trajectory, 0);
    const data = buildProgramData(s, computeVisibility(s));
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(data.objects.map((o) => o.id)).toEqual([2, 5]);
    expect(data.frames).toBe(3);
    expect(data.fps).toBe(2);
    expect(data.floorZ).toBe(0);
    expect(data.visibility['5']).toEqual({ firstFrame: 0, frames: [0], maxFraction: 1 });
    const api = createSceneApi(data);
    expect(api.firstVisibleFrame(5)).toBe(0);
    expect(api.visibleFrames(5)).toEqual([0]);
    expect(api.firstVisibleFrame(2)).toBe(0);
    expect(api.visibleFrames(2)).toEqual([0, 1, 2]);
    // From (−4, 0, 1) to the crate's top edge at x = −0.3, z = 0.8.
    expect(api.cameraDistance(5, 1)).toBeCloseTo(Math.hypot(3.7, 0.2), 12);
    expect(api.roomArea()).toBe(30);
  });

  it('falls back to the lowest box bottom for floorZ, and has no fps without frames', () => {
    const s = scene([box(1, 'crate', [0, 0, 0.8], [0.6, 0.6, 0.6]), box(2, 'lamp', [1, 0, 1.2], [0.3, 0.3, 0.3])]);
    const data = buildProgramData(s, computeVisibility(s));
    expect(data.floorZ).toBeCloseTo(0.5, 12);
    expect(data.frames).toBe(0);
    expect(data.fps).toBeUndefined();
    expect(data.cameras).toEqual([]);
    expect(createSceneApi(data).firstVisibleFrame(1)).toBeNull();
  });
});
