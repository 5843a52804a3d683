import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Mat4, Vec3 } from '../../../src/shared/scene.js';
import { mat4InvertRigid, mat4TransformPoint, rotationZ } from '../../../src/engine/scene/math.js';
import { boxContains } from '../../../src/engine/scene/obb.js';
import { DEFAULT_LOWRES_WIDE, importArkitScene, poseFromTrajLine, rotationFromAngleAxis } from '../../../src/engine/sources/arkitscenes.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { writeArkitFixture } from './fileFixtures.js';

const tmp = useTmpDirs();


const column = (m: Mat4, c: number): Vec3 => [m[c]!, m[4 + c]!, m[8 + c]!];

describe('ARKitScenes trajectory convention', () => {
  it('a .traj line is world → camera; the pose is its inverse', () => {
    // No rotation, translation t: world point X maps to X + t in the camera, so the camera sits at −t.
    const p = poseFromTrajLine([0, 0, 0], [-1, -2, -3]);
    expect(column(p, 3)).toEqual([1, 2, 3]);
    // Rotation of +90° about world z (world → camera): the camera's axes are the world axes turned by −90°.
    const q = poseFromTrajLine([0, 0, Math.PI / 2], [0, 0, 0]);
    const x = column(q, 0);
    expect(x[0]).toBeCloseTo(0, 12);
    expect(x[1]).toBeCloseTo(-1, 12);
  });

  it('a camera at a known position looking at a known point', () => {
    // Camera at (1, 2, 1.5) looking horizontally along +x (OpenCV: z forward, x right = −y world, y down = −z).
    const eye: Vec3 = [1, 2, 1.5];
    const rCamToWorld = [0, 0, 1, -1, 0, 0, 0, -1, 0]; // columns: x_cam, y_cam, z_cam in world
    // world → camera rotation is its transpose, a 120° turn about (1, −1, 1)/√3.
    const axis = [1 / Math.sqrt(3), -1 / Math.sqrt(3), 1 / Math.sqrt(3)];
    const angle = (2 * Math.PI) / 3;
    const rv: [number, number, number] = [axis[0]! * angle, axis[1]! * angle, axis[2]! * angle];
    const rw2c = rotationFromAngleAxis(...rv);
    rw2c.forEach((v, k) => expect(v).toBeCloseTo(rCamToWorld[[0, 3, 6, 1, 4, 7, 2, 5, 8][k]!]!, 12));
    // t = −R·eye
    const t: Vec3 = [
      -(rw2c[0] * eye[0] + rw2c[1] * eye[1] + rw2c[2] * eye[2]),
      -(rw2c[3] * eye[0] + rw2c[4] * eye[1] + rw2c[5] * eye[2]),
      -(rw2c[6] * eye[0] + rw2c[7] * eye[1] + rw2c[8] * eye[2]),
    ];
    const pose = poseFromTrajLine(rv, t);
    column(pose, 3).forEach((v, k) => expect(v).toBeCloseTo(eye[k]!, 12));
    column(pose, 2).forEach((v, k) => expect(v).toBeCloseTo([1, 0, 0][k]!, 12)); // looking along +x
    column(pose, 1).forEach((v, k) => expect(v).toBeCloseTo([0, 0, -1][k]!, 12)); // image down = world down
    // The target (4, 2, 1.5), 3 m ahead, projects to the optical axis at depth 3.
    const inCam = mat4TransformPoint(mat4InvertRigid(pose), [4, 2, 1.5]);
    inCam.forEach((v, k) => expect(v).toBeCloseTo([0, 0, 3][k]!, 12));
  });
});

describe('importArkitScene', () => {
  it('imports boxes with axes as rotation columns, labels and stable ids', () => {
    const fx = writeArkitFixture(tmp());
    const scene = importArkitScene(fx.dir, { samplePoints: 20_000 });
    expect(scene.id).toBe('arkitscenes:41069021');
    expect(scene.objects.map((o) => [o.id, o.label, o.rawLabel])).toEqual([
      [0, 'bed', 'bed'],
      [1, 'chair', 'chair'],
      [2, 'tv', 'tv_monitor'],
    ]);
    fx.boxes.forEach((b, i) => {
      const o = scene.objects[i]!;
      expect(o.box.center).toEqual(b.center);
      expect(o.box.extents).toEqual([b.size[0] + 0.04, b.size[1] + 0.04, b.size[2] + 0.04]);
      rotationZ(b.yaw).forEach((v, k) => expect(o.box.rotation[k]).toBeCloseTo(v, 12));
    });
    expect(scene.provenance.conversion.notes.join('\n')).toContain('uids by id: 0=a1b2-bed, 1=c3d4-chair, 2=e5f6-tv');
  });

  it('samples the mesh by area (seeded) and assigns points by box containment', () => {
    const fx = writeArkitFixture(tmp());
    const a = importArkitScene(fx.dir, { samplePoints: 20_000, seed: 1 });
    const b = importArkitScene(fx.dir, { samplePoints: 20_000, seed: 1 });
    const c = importArkitScene(fx.dir, { samplePoints: 20_000, seed: 2 });
    expect(a.points!.positions.length).toBe(60_000);
    expect(a.points!.positions).toEqual(b.points!.positions);
    expect(a.points!.positions).not.toEqual(c.points!.positions);
    expect(a.provenance.seeds).toEqual({ seed: 1, surfaceSampling: expect.any(Number) });
    const pts = a.points!;
    const ids = pts.objectIds!;
    const counts = [0, 0, 0];
    for (let i = 0; i < ids.length; i++) {
      const p: Vec3 = [pts.positions[3 * i]!, pts.positions[3 * i + 1]!, pts.positions[3 * i + 2]!];
      const inside = a.objects.filter((o) => boxContains(o.box, p)).map((o) => o.id);
      if (inside.length === 0) expect(ids[i]).toBe(-1);
      else expect(inside).toContain(ids[i]);
      if (ids[i]! >= 0) counts[ids[i]!]!++;
    }
    // Surface areas: floor 20 m², bed box 2·(2·1.6 + 2·0.6 + 1.6·0.6) = 10.72 m² (its floor-level face lies on the
    // floor, inside the bed's box, as does the floor under it): every object gets a fair share.
    expect(counts.every((n) => n > 100)).toBe(true);
    a.objects.forEach((o) => expect(o.pointIndices!.length).toBe(counts[o.id]));
    expect(a.provenance.conversion.notes.join('\n')).toMatch(/20000 points sampled uniformly by area/);
  });

  it('reads the trajectory (world → camera) as camera → world poses', () => {
    const fx = writeArkitFixture(tmp(), { pincam: true });
    const scene = importArkitScene(fx.dir, { samplePoints: 1000 });
    const traj = scene.trajectory!;
    expect(traj).toHaveLength(3);
    traj.forEach((f, i) => f.pose.forEach((v, k) => expect(v).toBeCloseTo(fx.poses[i]![k]!, 7)));
    expect(traj.map((f) => f.timestamp.toFixed(3))).toEqual(['0.000', '0.100', '0.200']);
    // The first camera is at (1, 2, 1.5) looking at (3, 2, 1).
    column(traj[0]!.pose, 3).forEach((v, k) => expect(v).toBeCloseTo([1, 2, 1.5][k]!, 7));
    const target = mat4TransformPoint(mat4InvertRigid(traj[0]!.pose), [3, 2, 1]);
    expect(Math.hypot(target[0], target[1])).toBeLessThan(1e-6);
    expect(target[2]).toBeCloseTo(Math.hypot(2, 0.5), 6);
    // Intrinsics from the nearest .pincam in time.
    expect(traj.map((f) => f.intrinsics.fx)).toEqual([211.5, 211.5, 213]);
    expect([traj[0]!.width, traj[0]!.height]).toEqual([256, 192]);
    expect(scene.provenance.files).toContain(fx.files.traj);
  });

  it('puts .traj lines written out of time order back in order, and says which line was out of order', () => {
    const fx = writeArkitFixture(tmp(), { pincam: true });
    const lines = readFileSync(fx.files.traj!, 'utf8').trim().split('\n');
    writeFileSync(fx.files.traj!, `${[lines[0], lines[2], lines[1]].join('\n')}\n`);
    const scene = importArkitScene(fx.dir, { samplePoints: 1000 });
    const traj = scene.trajectory!;
    expect(traj.map((f) => f.timestamp.toFixed(3))).toEqual(['0.000', '0.100', '0.200']);
    traj.forEach((f, i) => f.pose.forEach((v, k) => expect(v).toBeCloseTo(fx.poses[i]![k]!, 7)));
    expect(scene.provenance.warnings.join('\n')).toMatch(/lowres_wide\.traj: line 3 \(t = 6845\.906 s\) comes before line 2 \(t = 6846\.006 s\) in time; 1 of 3 poses were out of order and are used in time order/);
  });

  it('finds <id>.traj beside the annotation and falls back to default intrinsics with a warning', () => {
    const fx = writeArkitFixture(tmp(), { traj: 'root' });
    const scene = importArkitScene(fx.dir, { samplePoints: 1000 });
    expect(scene.trajectory).toHaveLength(3);
    expect(scene.trajectory![0]!.intrinsics).toEqual({ fx: DEFAULT_LOWRES_WIDE.fx, fy: DEFAULT_LOWRES_WIDE.fy, cx: DEFAULT_LOWRES_WIDE.cx, cy: DEFAULT_LOWRES_WIDE.cy });
    expect(scene.provenance.warnings.join('\n')).toMatch(/no lowres_wide_intrinsics/);
    const none = importArkitScene(writeArkitFixture(tmp(), { traj: 'none' }).dir, { samplePoints: 1000 });
    expect(none.trajectory).toBeUndefined();
  });

  it('estimates the room from the points and records provenance', () => {
    const fx = writeArkitFixture(tmp());
    const scene = importArkitScene(fx.dir, { samplePoints: 20_000 });
    expect(scene.room.area).toBeGreaterThan(19.5);
    expect(scene.room.area).toBeLessThanOrEqual(20 + 1e-6);
    expect(scene.room.floorZ).toBeCloseTo(0, 6);
    const p = scene.provenance;
    expect(p.source).toBe('arkitscenes');
    expect(p.sourceId).toBe('41069021');
    expect(p.files.slice(0, 2)).toEqual([fx.files.annotation, fx.files.mesh]);
    expect(p.conversion).toMatchObject({ upAxis: '+z', units: 'm', transform: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });
    expect(p.synthesised).toEqual(['room']);
  });

  describe('bad inputs', () => {
    it('normalizedAxes that are not orthonormal', () => {
      const fx = writeArkitFixture(tmp(), { editAnnotation: (a) => (a.data[1]!.segments.obb.normalizedAxes = [1, 0, 0, 0.5, 0.8, 0, 0, 0, 1]) });
      const e = inputError(() => importArkitScene(fx.dir));
      expect(e.problems).toHaveLength(1);
      expect(e.problems[0]!.file).toBe(fx.files.annotation);
      expect(e.problems[0]!.field).toBe('data[1].segments.obb.normalizedAxes');
      expect(e.problems[0]!.message).toMatch(/^expected three orthonormal unit axes \(row by row\), found \|AᵀA − I\| = 5\.00e-1 \(axis lengths 1\.000, 0\.943, 1\.000\)$/);
    });

    it('a left-handed axis set is made proper with a warning', () => {
      const fx = writeArkitFixture(tmp(), { editAnnotation: (a) => (a.data[0]!.segments.obb.normalizedAxes = [1, 0, 0, 0, 1, 0, 0, 0, -1]) });
      const scene = importArkitScene(fx.dir, { samplePoints: 1000 });
      expect(scene.objects[0]!.box.rotation).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      expect(scene.provenance.warnings.join('\n')).toMatch(/1 boxes had a left-handed axis set/);
    });

    it('missing and malformed fields are all listed', () => {
      const fx = writeArkitFixture(tmp(), {
        editAnnotation: (a) => {
          a.data[0]!.segments.obb.axesLengths = [1, 0, 1];
          (a.data[2]!.segments.obb as { centroid: unknown }).centroid = [1, 2];
        },
      });
      const e = inputError(() => importArkitScene(fx.dir));
      expect(e.problems.map((p) => [p.file, p.field])).toEqual([
        [fx.files.annotation, 'data[0].segments.obb.axesLengths[1]'],
        [fx.files.annotation, 'data[2].segments.obb.centroid'],
      ]);
    });

    it('a malformed .traj line', () => {
      const fx = writeArkitFixture(tmp());
      writeFileSync(fx.files.traj!, '6845.8 0 0 0 1 2\n');
      const e = inputError(() => importArkitScene(fx.dir, { samplePoints: 100 }));
      expect(e.problems[0]).toMatchObject({ file: fx.files.traj, field: 'line 1' });
      expect(e.message).toMatch(/expected 7 finite numbers/);
    });
  });
});
