import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mat4InvertRigid, mat4TransformPoint } from '../../../src/engine/scene/math.js';
import { importScanNetScene } from '../../../src/engine/sources/scannet.js';
import { loadScenes } from '../../../src/engine/sources/index.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SCANNET_ALIGNMENT, writeScanNetFixture } from './fileFixtures.js';

const tmp = useTmpDirs();


function angleDiff(a: number, b: number): number {
  const d = (((a - b) % Math.PI) + Math.PI) % Math.PI;
  return Math.min(d, Math.PI - d);
}

describe('importScanNetScene', () => {
  it('imports objects, labels, fitted boxes and per-point object ids in the aligned frame', () => {
    const fx = writeScanNetFixture(tmp());
    const scene = importScanNetScene(fx.dir);
    expect(scene.id).toBe('scannet:scene0042_00');
    expect(scene.dataset).toBe('scannet');
    // 7 segment groups: 2 walls, floor and ceiling are structure; 3 objects remain.
    expect(scene.objects.map((o) => [o.id, o.label, o.rawLabel])).toEqual([
      [3, 'chair', 'office chair'],
      [4, 'table', 'table'],
      [5, 'sofa', 'couch'],
    ]);
    for (const o of scene.objects) {
      const part = fx.parts.find((p) => p.objectId === o.id)!;
      const [long, short] = part.size![0] >= part.size![1] ? [part.size![0], part.size![1]] : [part.size![1], part.size![0]];
      expect(o.box.extents[0]).toBeCloseTo(long, 4);
      expect(o.box.extents[1]).toBeCloseTo(short, 4);
      expect(o.box.extents[2]).toBeCloseTo(part.size![2], 4);
      o.box.center.forEach((v, k) => expect(v).toBeCloseTo(part.center![k]!, 4));
      expect(angleDiff(Math.atan2(o.box.rotation[3], o.box.rotation[0]), part.yaw!)).toBeLessThan(1e-4);
      expect(o.pointIndices).toHaveLength(8);
    }
    const pts = scene.points!;
    // Walls 2×4 + floor 4 + 3 boxes × 8 + ceiling 4 vertices, kept as points.
    expect(pts.positions.length / 3).toBe(40);
    const ids = Array.from(pts.objectIds!);
    expect(ids.filter((i) => i === -1)).toHaveLength(16);
    for (const o of scene.objects) for (const i of o.pointIndices!) expect(ids[i]).toBe(o.id);
    // Alignment was applied: the floor corners are back at their designed positions.
    const floor = Array.from(pts.positions.subarray(24, 36)).map((v) => Math.round(v * 1e4) / 1e4 + 0);
    expect(floor).toEqual([0, 0, 0, 5, 0, 0, 5, 4, 0, 0, 4, 0]);
    expect(pts.colors.subarray(3 * 12, 3 * 13)).toEqual(new Uint8Array([200, 100, 50]));
  });

  it('estimates the room from the floor-labelled vertices and records provenance', () => {
    const fx = writeScanNetFixture(tmp());
    const scene = importScanNetScene(fx.dir);
    expect(scene.room.area).toBeCloseTo(20, 4);
    expect(scene.room.floorZ).toBeCloseTo(0, 5);
    expect(scene.room.height).toBeCloseTo(2.5, 4);
    expect(scene.room.bounds!.min.map((v) => Math.round(v * 1e4) / 1e4 + 0)).toEqual([0, 0, 0]);
    expect(scene.room.bounds!.max.map((v) => Math.round(v * 1e4) / 1e4 + 0)).toEqual([5, 4, 2.5]);
    const p = scene.provenance;
    expect(p.source).toBe('scannet');
    expect(p.sourceId).toBe('scene0042_00');
    expect(p.files).toEqual([fx.files.ply, fx.files.txt, fx.files.segs, fx.files.agg]);
    expect(p.conversion.upAxis).toBe('+z');
    expect(p.conversion.transform).toEqual(SCANNET_ALIGNMENT);
    expect(p.conversion.notes.join('\n')).toMatch(/Z-up \(metres\) after axis alignment/);
    expect(p.conversion.notes.join('\n')).toMatch(/mesh vertices as points/);
    expect(p.conversion.notes.join('\n')).toMatch(/4 floor-labelled points/);
    expect(p.synthesised).toEqual(['room']);
    expect(p.seeds).toEqual({});
    expect(p.warnings).toContain('4 segment groups are room structure (2 wall, 1 floor, 1 ceiling) and were not made objects; their points have no object');
    expect(scene.trajectory).toBeUndefined();
  });

  it('applies the alignment to poses, skips lost-tracking frames and reads intrinsics', () => {
    const fx = writeScanNetFixture(tmp(), { poses: true });
    const scene = importScanNetScene(fx.dir);
    const traj = scene.trajectory!;
    expect(traj).toHaveLength(2);
    traj.forEach((f, i) => f.pose.forEach((v, k) => expect(v).toBeCloseTo(fx.poses[i]![k]!, 9)));
    expect(traj.map((f) => [f.index, f.timestamp])).toEqual([[0, 0], [1, 10 / 30]]);
    expect(traj[0]!.intrinsics).toEqual({ fx: 1169.6, fy: 1167.1, cx: 646.3, cy: 489.9 });
    expect([traj[0]!.width, traj[0]!.height]).toEqual([1296, 968]);
    // The first camera looks at (3, 2, 0.5): in its own frame that point is straight ahead.
    const target = mat4TransformPoint(mat4InvertRigid(traj[0]!.pose), [3, 2, 0.5]);
    expect(target[0]).toBeCloseTo(0, 9);
    expect(target[1]).toBeCloseTo(0, 9);
    expect(target[2]).toBeGreaterThan(0);
    expect(scene.provenance.warnings.join('\n')).toMatch(/1 of 3 poses have non-finite entries \(tracking lost\) and were skipped: 20\.txt/);
  });

  it('without axisAlignment keeps the capture frame and warns', () => {
    const fx = writeScanNetFixture(tmp(), { alignment: null });
    const scene = importScanNetScene(fx.dir);
    expect(scene.provenance.conversion.transform).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(scene.provenance.warnings.join('\n')).toMatch(/has no axisAlignment line/);
    expect(scene.objects).toHaveLength(3);
  });

  it('samplePoints: area samples carry their nearest vertex object, seeded', () => {
    const fx = writeScanNetFixture(tmp());
    const a = importScanNetScene(fx.dir, { samplePoints: 3000, seed: 4 });
    const b = importScanNetScene(fx.dir, { samplePoints: 3000, seed: 4 });
    expect(a.points!.positions.length).toBe(9000);
    expect(a.points!.positions).toEqual(b.points!.positions);
    expect(a.provenance.seeds.surfaceSampling).toBeTypeOf('number');
    const chair = a.objects.find((o) => o.label === 'chair')!;
    expect(chair.pointIndices!.length).toBeGreaterThan(0);
    // Every sample given to the chair lies on the chair's box (fitted to the vertices).
    for (const i of chair.pointIndices!) expect(a.points!.objectIds![i]).toBe(chair.id);
    expect(chair.box.extents[0]).toBeCloseTo(0.6, 4);
  });

  it('picks the scene by id when a folder holds several', () => {
    const dir = tmp();
    writeScanNetFixture(dir, { sceneId: 'scene0001_00' });
    writeScanNetFixture(dir, { sceneId: 'scene0002_01' });
    expect(inputError(() => importScanNetScene(dir)).message).toMatch(/several scenes \(scene0001_00, scene0002_01\); import the folder as the source scannet:<folder> to take each of them/);
    expect(importScanNetScene(dir, { sceneId: 'scene0002_01' }).id).toBe('scannet:scene0002_01');
    // What a user can type: the folder as a source takes every scan in it.
    expect(loadScenes(`scannet:${dir}`).map((s) => s.id)).toEqual(['scannet:scene0001_00', 'scannet:scene0002_01']);
  });

  describe('bad inputs', () => {
    it('an aggregation group referencing a segment that segs.json does not have', () => {
      const fx = writeScanNetFixture(tmp(), { editAgg: (agg) => agg.segGroups[4]!.segments.push(999) });
      const e = inputError(() => importScanNetScene(fx.dir));
      expect(e.problems).toHaveLength(1);
      expect(e.problems[0]).toEqual({
        file: fx.files.agg,
        field: 'segGroups[4] (label "table").segments[1]',
        message: 'segment 999 does not exist in scene0042_00_vh_clean_2.0.010000.segs.json',
      });
    });

    it('segIndices with a different length than the mesh has vertices', () => {
      const fx = writeScanNetFixture(tmp(), { editSegs: (s) => s.segIndices.pop() });
      const e = inputError(() => importScanNetScene(fx.dir));
      expect(e.problems[0]!.file).toBe(fx.files.segs);
      expect(e.message).toContain('scene0042_00_vh_clean_2.ply (40 vertices), found 39');
    });

    it('a truncated mesh', () => {
      const fx = writeScanNetFixture(tmp());
      const bytes = readFileSync(fx.files.ply);
      writeFileSync(fx.files.ply, bytes.subarray(0, bytes.length - 400));
      const e = inputError(() => importScanNetScene(fx.dir));
      expect(e.problems[0]!.file).toBe(fx.files.ply);
      expect(e.message).toMatch(/file ends inside face/);
    });

    it('a non-rigid axisAlignment, and duplicate object ids', () => {
      const fx = writeScanNetFixture(tmp(), { alignment: [2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
      const e = inputError(() => importScanNetScene(fx.dir));
      expect(e.problems[0]).toMatchObject({ file: fx.files.txt, field: 'axisAlignment' });
      expect(e.message).toMatch(/expected a rigid transform/);
      const fy = writeScanNetFixture(tmp(), { editAgg: (agg) => (agg.segGroups[5]!.objectId = 3) });
      expect(inputError(() => importScanNetScene(fy.dir)).problems[0]).toEqual({ file: fy.files.agg, field: 'segGroups[5].objectId', message: 'object id 3 is also used by segGroups[3]' });
    });

    it('a folder without a mesh', () => {
      const dir = tmp();
      writeFileSync(join(dir, 'readme.txt'), 'nothing here');
      expect(inputError(() => importScanNetScene(dir)).message).toMatch(/expected a ScanNet scan folder with a <scene>_vh_clean_2\.ply mesh, found none/);
    });
  });
});
