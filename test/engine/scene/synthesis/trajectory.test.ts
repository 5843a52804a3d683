import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CameraFrame, Room, Scene, SceneObject } from '../../../../src/shared/scene.js';
import { mat3Det, mat4Rotation, orthonormalityError, rotationZ } from '../../../../src/engine/scene/math.js';
import { boxAabb } from '../../../../src/engine/scene/obb.js';
import { boxFootprint } from '../../../../src/engine/scene/synthesis/footprint.js';
import { distanceToConvex, insideClearance } from '../../../../src/engine/scene/synthesis/polygon.js';
import { estimateRoomBounds } from '../../../../src/engine/scene/synthesis/roomBounds.js';
import type { TrajectoryPlan } from '../../../../src/engine/scene/synthesis/trajectory.js';
import { planTrajectory, synthesizeTrajectory } from '../../../../src/engine/scene/synthesis/trajectory.js';
import { pointInView, visibleFraction } from '../../../../src/engine/scene/synthesis/visibility.js';
import { generateSyntheticScenes } from '../../../../src/engine/sources/synthetic.js';
import { sceneProblems } from '../../../../src/engine/scene/validate.js';
import { arkitMetaFile, requireSharedData, scannetMetaFile } from '../../../helpers/shared.js';
import type { RawVsiFile } from './vsiObjects.js';
import { vsiObjects } from './vsiObjects.js';

interface Walk {
  objects: SceneObject[];
  room: Room;
  plan: TrajectoryPlan;
}

/** Checks every promise a walkthrough makes, for any scene. */
function checkWalk({ objects, room, plan }: Walk, eyeHeight = 1.5): void {
  const polygon = room.floorPolygon!;
  const floorZ = room.floorZ!;
  const obstacles = objects.filter((o) => boxAabb(o.box).min[2] < floorZ + eyeHeight + 0.3).map((o) => boxFootprint(o.box));
  let last = -Infinity;
  plan.frames.forEach((f, i) => {
    expect(f.index).toBe(i);
    const [x, y, z] = [f.pose[3], f.pose[7], f.pose[11]];
    expect(z).toBeCloseTo(floorZ + eyeHeight, 9);
    expect(insideClearance(x, y, polygon)).toBeGreaterThanOrEqual(plan.wallMargin - 1e-5);
    for (const fp of obstacles) expect(distanceToConvex(x, y, fp)).toBeGreaterThanOrEqual(plan.clearance - 1e-5);
    const r = mat4Rotation(f.pose);
    expect(orthonormalityError(r)).toBeLessThan(1e-9);
    expect(mat3Det(r)).toBeCloseTo(1, 9);
    expect(f.pose.slice(12)).toEqual([0, 0, 0, 1]);
    // No roll: the camera's x axis stays horizontal, its y axis points downwards.
    expect(Math.abs(f.pose[8])).toBeLessThan(1e-9);
    expect(f.pose[9]).toBeLessThan(0);
    expect(f.timestamp).toBeGreaterThan(last);
    expect(Math.abs(f.timestamp * 30 - Math.round(f.timestamp * 30))).toBeLessThan(1e-6);
    last = f.timestamp;
    if (objects.length > 0) expect(objects.some((o) => pointInView(f, o.box.center))).toBe(true);
  });
  expect(plan.frames[0]!.timestamp).toBe(0);
}

function yawOf(f: CameraFrame): number {
  return Math.atan2(f.pose[6], f.pose[2]);
}

describe('synthesizeTrajectory on generated rooms', () => {
  const scenes = generateSyntheticScenes(40, 11, { points: false, trajectory: false });
  const walks: Walk[] = scenes.map((s) => ({ objects: s.objects, room: s.room, plan: planTrajectory(s, { seed: 5 }) }));

  it('stays inside the room at eye height, off every footprint, with proper poses and a clock', () => {
    for (const w of walks) checkWalk(w);
    // Generated rooms leave enough floor for the full margins.
    expect(walks.filter((w) => w.plan.wallMargin === 0.35 && w.plan.clearance === 0.2).length).toBeGreaterThanOrEqual(38);
  });

  it('sees most objects and walks a sensible distance', () => {
    const fractions = scenes.map((s, i) => visibleFraction(s, walks[i]!.plan.frames));
    expect(fractions.reduce((a, b) => a + b, 0) / fractions.length).toBeGreaterThan(0.9);
    expect(Math.min(...fractions)).toBeGreaterThan(0.6);
    for (const [i, w] of walks.entries()) {
      expect(w.plan.frames).toHaveLength(32);
      const side = Math.sqrt(scenes[i]!.room.area);
      expect(w.plan.pathLength).toBeGreaterThan(0.5 * side);
      expect(w.plan.pathLength).toBeLessThan(12 * side);
      // A slow walk: 0.4 m/s or slower once turning is counted.
      expect(w.plan.frames.at(-1)!.timestamp).toBeGreaterThanOrEqual(w.plan.pathLength / 0.4 - 0.05);
    }
  });

  it('turns smoothly', () => {
    const steps: number[] = [];
    for (const w of walks) {
      for (let i = 1; i < w.plan.frames.length; i++) {
        const d = yawOf(w.plan.frames[i]!) - yawOf(w.plan.frames[i - 1]!);
        steps.push(Math.abs(Math.atan2(Math.sin(d), Math.cos(d))));
      }
    }
    steps.sort((a, b) => a - b);
    expect(steps[Math.floor(steps.length / 2)]!).toBeLessThan((30 * Math.PI) / 180);
  });

  it('is deterministic per seed and varies across seeds', () => {
    const s = scenes[3]!;
    expect(synthesizeTrajectory(s, { seed: 9 })).toEqual(synthesizeTrajectory(s, { seed: 9 }));
    expect(synthesizeTrajectory(s, { seed: 9 })).not.toEqual(synthesizeTrajectory(s, { seed: 10 }));
  });

  it('honours frame count, image size and field of view', () => {
    const s = scenes[0]!;
    const frames = synthesizeTrajectory(s, { seed: 1, frames: 10, width: 320, height: 240, hfovDeg: 90, eyeHeight: 1.6 });
    expect(frames).toHaveLength(10);
    for (const f of frames) {
      expect(f.width).toBe(320);
      expect(f.height).toBe(240);
      expect(f.intrinsics.fx).toBeCloseTo(160, 9);
      expect(f.intrinsics.cx).toBe(160);
      expect(f.pose[11]).toBeCloseTo(1.6, 9);
    }
    expect(synthesizeTrajectory(s, { seed: 1, frames: 1 })).toHaveLength(1);
    expect(() => synthesizeTrajectory(s, { seed: 1, frames: 0 })).toThrow(RangeError);
  });
});

describe('synthesizeTrajectory in awkward rooms', () => {
  const room: Room = {
    area: 16,
    center: [0, 0, 1.4],
    floorPolygon: [
      [-2, -2],
      [2, -2],
      [2, 2],
      [-2, 2],
    ],
    floorZ: 0,
    height: 2.8,
  };
  const box = (id: number, x: number, y: number, w: number, d: number, h = 0.8, z = h / 2): SceneObject => ({
    id,
    label: 'cabinet',
    rawLabel: 'cabinet',
    box: { center: [x, y, z], extents: [w, d, h], rotation: rotationZ(0) },
  });

  it('relaxes its margins in a packed room, and says so', () => {
    const objects = [box(0, -1, 0, 1.7, 3.9), box(1, 1.2, 0.9, 1.5, 2.1), box(2, 1.2, -1.5, 1.5, 0.95)];
    const plan = planTrajectory({ objects, room }, { seed: 1 });
    expect(plan.clearance).toBeLessThan(0.2);
    expect(plan.warnings.join(' ')).toMatch(/too packed/);
    checkWalk({ objects, room, plan });
  });

  it('stands still and turns when there is no floor left, rather than failing', () => {
    const objects = [box(0, 0, 0, 3.98, 3.98)];
    const plan = planTrajectory({ objects, room }, { seed: 1 });
    expect(plan.warnings.join(' ')).toMatch(/no free floor/);
    expect(plan.frames).toHaveLength(32);
    expect(plan.pathLength).toBe(0);
    expect(sceneProblems(asScene(objects, room, plan.frames))).toEqual([]);
  });

  it('ignores what hangs above head height and looks at the room when it is empty', () => {
    const lights = [box(0, 0, 0, 3.9, 3.9, 0.1, 2.7)];
    const plan = planTrajectory({ objects: lights, room }, { seed: 2 });
    expect(plan.warnings).toEqual([]);
    checkWalk({ objects: lights, room, plan });
    const empty = planTrajectory({ objects: [], room }, { seed: 2 });
    checkWalk({ objects: [], room, plan: empty });
  });

  it('walks rooms that only have an area and a centre', () => {
    const objects = [box(0, 1, 1, 0.5, 0.5)];
    const bare: Room = { area: 16, center: [0, 0, 1.4] };
    const plan = planTrajectory({ objects, room: bare }, { seed: 3 });
    const est = estimateRoomBounds(objects, 16, [0, 0, 1.4]);
    checkWalk({ objects, room: { ...bare, floorPolygon: est.floorPolygon, floorZ: est.floorZ }, plan });
  });
});

function asScene(objects: SceneObject[], room: Room, trajectory: CameraFrame[]): Scene {
  return {
    id: 'test:walk',
    dataset: 'test',
    objects,
    room,
    trajectory,
    provenance: {
      source: 'synthetic',
      sourceId: 'walk',
      files: [],
      conversion: { upAxis: '+z', units: 'm', transform: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], notes: [] },
      synthesised: [],
      seeds: {},
      warnings: [],
    },
  };
}

describe('synthesizeTrajectory on the published VSI-Bench layouts', () => {
  beforeAll(requireSharedData);

  for (const [name, file] of [
    ['ScanNet', scannetMetaFile],
    ['ARKitScenes', arkitMetaFile],
  ] as const) {
    it(`walks every ${name} room soundly and sees nearly everything`, () => {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as RawVsiFile;
      let seen = 0;
      let total = 0;
      for (const scene of Object.values(raw)) {
        const objects = vsiObjects(scene);
        const est = estimateRoomBounds(objects, scene.room_size, scene.room_center);
        const room: Room = { area: scene.room_size, center: scene.room_center, bounds: est.bounds, floorPolygon: est.floorPolygon, floorZ: est.floorZ, height: est.height };
        const plan = planTrajectory({ objects, room }, { seed: 1 });
        checkWalk({ objects, room, plan });
        expect(sceneProblems(asScene(objects, room, plan.frames))).toEqual([]);
        seen += visibleFraction({ objects }, plan.frames) * objects.length;
        total += objects.length;
      }
      expect(seen / total).toBeGreaterThan(0.9);
    });
  }
});
