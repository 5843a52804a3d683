import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEvalScene } from '../../../src/engine/sources/evalScenes.js';
import { loadScenes } from '../../../src/engine/sources/index.js';
import { importScanNetPPScene } from '../../../src/engine/sources/scannetpp.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SCANNETPP_TABLE_OBB, ringPoses, writeScanNetPPDslr, writeScanNetPPFixture, writeScanNetPPIphone } from './fileFixtures.js';

const tmp = useTmpDirs();

const close = (a: readonly number[], b: readonly number[], digits = 5): void => a.forEach((v, i) => expect(v, `entry ${i}`).toBeCloseTo(b[i]!, digits));

describe('importScanNetPPScene', () => {
  it('imports instances and labels; the annotation’s obb is the box where given, a fit to the vertices elsewhere', () => {
    const fx = writeScanNetPPFixture(tmp());
    const scene = importScanNetPPScene(fx.dir);
    expect(scene.id).toBe('scannetpp:0a1b2c3d4e');
    expect(scene.dataset).toBe('scannetpp');
    // 7 segment groups: walls, floor and ceiling are structure; 3 objects remain.
    expect(scene.objects.map((o) => [o.id, o.label, o.rawLabel])).toEqual([
      [3, 'chair', 'office chair'],
      [4, 'table', 'table'],
      [5, 'sofa', 'couch'],
    ]);
    const table = scene.objects.find((o) => o.label === 'table')!;
    // The obb as annotated (0.8 along +y, 1.2 along −x), not the fit (1.2 along +x first).
    expect(table.box.extents).toEqual(SCANNETPP_TABLE_OBB.axesLengths);
    close(table.box.rotation, [0, -1, 0, 1, 0, 0, 0, 0, 1]);
    close(table.box.center, SCANNETPP_TABLE_OBB.centroid);
    const chair = scene.objects.find((o) => o.label === 'chair')!;
    const truth = fx.parts.find((p) => p.objectId === 3)!;
    close(chair.box.center, truth.center!, 4);
    close([...chair.box.extents].slice(0, 2).sort(), [...truth.size!.slice(0, 2)].sort(), 4);
    // Every mesh vertex is a point, each carrying its object.
    const ids = Array.from(scene.points!.objectIds!);
    expect(ids).toHaveLength(40);
    for (const o of scene.objects) for (const i of o.pointIndices!) expect(ids[i]).toBe(o.id);
    expect(scene.room.area).toBeCloseTo(20, 4);
    expect(scene.provenance).toMatchObject({ source: 'scannetpp', sourceId: '0a1b2c3d4e', synthesised: ['room'], files: [fx.files.ply, fx.files.segs, fx.files.anno] });
    expect(scene.provenance.conversion.notes.join('\n')).toContain('1 boxes from the annotation\'s obb, 2 upright (yaw only) minimum-area fits');
    expect(scene.provenance.warnings).toContain('no camera poses (iphone/pose_intrinsic_imu.json or dslr/colmap/images.txt): the scene has no trajectory');
    expect(scene.trajectory).toBeUndefined();
  });

  it('takes the iPhone’s aligned poses, intrinsics and images, sampled uniformly', () => {
    const fx = writeScanNetPPFixture(tmp());
    const poses = ringPoses(20);
    const names = writeScanNetPPIphone(fx, poses);
    const scene = importScanNetPPScene(fx.dir, { frames: 5 });
    const kept = [0, 4, 9, 14, 19];
    expect(scene.trajectory!.map((f) => f.timestamp)).toEqual(kept.map((i) => 100 + i / 6));
    scene.trajectory!.forEach((f, k) => close(f.pose, poses[kept[k]!]!));
    // 1920×1440 calibration, 16×12 images: the intrinsics follow the image.
    expect(scene.trajectory![0]).toMatchObject({ width: 16, height: 12, intrinsics: { fx: 12.5, fy: 12.5, cx: 8, cy: 6 } });
    expect(scene.frameImages!.size).toBe(5);
    expect(scene.trajectory!.every((f) => scene.frameImages!.has(f.imageBlob!))).toBe(true);
    expect(scene.provenance.warnings.join('\n')).toContain('5 images differ in size from their camera');
    expect(names[0]).toBe('frame_000000');
    // Without images: every pose, the image size from the principal point.
    rmSync(join(fx.dir, 'iphone', 'rgb'), { recursive: true });
    const bare = importScanNetPPScene(fx.dir);
    expect(bare.trajectory).toHaveLength(20);
    expect(bare.trajectory![0]).toMatchObject({ width: 1920, height: 1440 });
    expect(bare.provenance.warnings.join('\n')).toContain('no images in iphone/rgb/');
  });

  it('reads the DSLR’s COLMAP model (world→camera) into camera→world poses, ordered by image name', () => {
    const fx = writeScanNetPPFixture(tmp());
    const poses = ringPoses(6);
    writeScanNetPPDslr(fx, poses);
    const scene = importScanNetPPScene(fx.dir);
    expect(scene.trajectory).toHaveLength(6);
    scene.trajectory!.forEach((f, i) => {
      close(f.pose, poses[i]!);
      expect(f.timestamp).toBe(i);
    });
    expect(scene.trajectory![0]!.intrinsics.fx).toBeCloseTo(800 * (16 / 1752), 6);
    expect(scene.provenance.warnings.join('\n')).toContain('DSLR camera model OPENCV_FISHEYE: its distortion terms are ignored');
    // With both cameras the iPhone's walk-through wins, and the warning says so.
    writeScanNetPPIphone(fx, ringPoses(3));
    const both = importScanNetPPScene(fx.dir);
    expect(both.trajectory).toHaveLength(3);
    expect(both.provenance.warnings.join('\n')).toContain('both iPhone and DSLR cameras are present: used the iPhone');
  });

  it('is the source scannetpp:<scene dir>, and a VSI-Bench val scene is known as one', () => {
    const fx = writeScanNetPPFixture(tmp(), { sceneId: '09c1414f1b' });
    const [scene] = loadScenes(`scannetpp:${fx.dir}`);
    expect(scene!.id).toBe('scannetpp:09c1414f1b');
    expect(isEvalScene(scene!)).toBe(true);
    expect(isEvalScene(importScanNetPPScene(writeScanNetPPFixture(tmp()).dir))).toBe(false);
  });

  it('names the file, field and expectation of bad input', () => {
    const root = tmp();
    expect(inputError(() => importScanNetPPScene(root)).message).toBe(`${root}: expected a ScanNet++ scene folder (data/<scene id>/) holding scans/mesh_aligned_0.05.ply, found no such file`);

    const noSegs = writeScanNetPPFixture(tmp());
    rmSync(noSegs.files.segs);
    expect(inputError(() => importScanNetPPScene(noSegs.dir)).message).toBe(`${noSegs.files.segs}: expected the mesh's segments (segIndices) beside segments_anno.json, found no such file`);

    const short = writeScanNetPPFixture(tmp(), { editSegs: (s) => s.segIndices.pop() });
    expect(inputError(() => importScanNetPPScene(short.dir)).message).toBe(`${short.files.segs}: segIndices: expected one segment id per vertex of mesh_aligned_0.05.ply (40 vertices), found 39`);

    const dangling = writeScanNetPPFixture(tmp(), { editAnno: (a) => (a.segGroups[3]!.segments = [20, 99]) });
    expect(inputError(() => importScanNetPPScene(dangling.dir)).message).toBe(`${dangling.files.anno}: segGroups[3] (label "office chair").segments[1]: segment 99 does not exist in segments.json`);

    const noLabel = writeScanNetPPFixture(tmp(), { editAnno: (a) => delete a.segGroups[4]!.label });
    expect(inputError(() => importScanNetPPScene(noLabel.dir)).message).toBe(`${noLabel.files.anno}: segGroups[4].label: expected a string, found nothing (field missing)`);

    // An unusable obb is not fatal: the box is fitted instead, and a warning says why.
    const badObb = writeScanNetPPFixture(tmp(), { editAnno: (a) => (a.segGroups[4]!.obb = { ...SCANNETPP_TABLE_OBB, normalizedAxes: [1, 0, 0, 1, 0, 0, 0, 0, 1] }) });
    const fitted = importScanNetPPScene(badObb.dir);
    expect(fitted.objects.find((o) => o.label === 'table')!.box.extents[0]).toBeCloseTo(1.2, 4);
    expect(fitted.provenance.warnings.join('\n')).toContain('1 annotated boxes were unusable, their boxes fitted to the vertices instead: segGroups[4].obb.normalizedAxes: expected three orthonormal axes');

    const skewed = writeScanNetPPFixture(tmp());
    writeScanNetPPIphone(skewed, ringPoses(3), { edit: (j) => ((j.frame_000010!.aligned_pose as number[][])[0]![0] = 2) });
    const poseFile = join(skewed.dir, 'iphone', 'pose_intrinsic_imu.json');
    expect(inputError(() => importScanNetPPScene(skewed.dir)).message).toMatch(new RegExp(`^${poseFile.replace(/[.+]/g, '\\$&')}: frame_000010\\.aligned_pose: expected a rigid transform \\(orthonormal rotation\\)`));
    writeScanNetPPIphone(skewed, ringPoses(3), { edit: (j) => (j.frame_000000!.intrinsic = [[1500, 0, 960], [0, 1500, 720]]) });
    expect(inputError(() => importScanNetPPScene(skewed.dir)).message).toBe(`${poseFile}: frame_000000.intrinsic: expected a 3×3 matrix (3 rows of 3 numbers), found an array of 2`);

    const dslr = writeScanNetPPFixture(tmp());
    const cams = join(dslr.dir, 'dslr', 'colmap', 'cameras.txt');
    const imgs = join(dslr.dir, 'dslr', 'colmap', 'images.txt');
    writeScanNetPPDslr(dslr, ringPoses(2), { cameraLine: '1 KANNALA 1752 1168 800 800 876 584' });
    expect(inputError(() => importScanNetPPScene(dslr.dir)).message).toBe(
      `${cams}: line 2: unknown camera model "KANNALA": expected one of SIMPLE_PINHOLE, SIMPLE_RADIAL, RADIAL, PINHOLE, OPENCV, OPENCV_FISHEYE, FULL_OPENCV`,
    );
    writeScanNetPPDslr(dslr, ringPoses(2), { imageLine: (i, line) => (i === 0 ? line.replace(/^(\d+) \S+/, '$1 w') : line) });
    expect(inputError(() => importScanNetPPScene(dslr.dir)).message).toBe(`${imgs}: line 4: expected QW QX QY QZ TX TY TZ (7 numbers from word 2), found word 2, which is not a finite number`);
    writeScanNetPPDslr(dslr, ringPoses(2), { imageLine: (i, line) => (i === 1 ? line.replace(/ 1 (DSC\S+)$/, ' 7 $1') : line) });
    expect(inputError(() => importScanNetPPScene(dslr.dir)).message).toBe(`${imgs}: line 2: expected IMAGE_ID QW QX QY QZ TX TY TZ CAMERA_ID NAME with a camera of cameras.txt, found camera 7`);
    writeFileSync(cams, '');
    expect(inputError(() => importScanNetPPScene(dslr.dir)).message).toBe(`${cams}: expected at least one camera, found none`);
  });
});
