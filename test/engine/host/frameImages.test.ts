/** getFrameImage over stored camera images (issue 12): the image itself, its MIME type, and boxes only where the pose describes it. */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkbenchHost, type WorkbenchHost } from '../../../src/engine/host/index.js';
import { lookAtPose } from '../../../src/engine/scene/math.js';
import { attachFrameImage } from '../../../src/engine/sources/frameImages.js';
import { openStore, saveScenes } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { flatPng, taggedJpeg } from '../sources/fileFixtures.js';
import { makeScene } from '../store/fixtures.js';

const tmp = useTmpDirs();
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const hosts: WorkbenchHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

describe('getFrameImage with stored camera images', () => {
  it('returns the stored JPEG or PNG with its MIME type; boxes only when the pose is measured', async () => {
    const dir = tmp();
    const scan = makeScene('scannet:scene0001_00', { points: 200, frames: 3 });
    scan.trajectory!.forEach((f, i) => {
      const bytes = i === 1 ? flatPng(64, 48, 7) : taggedJpeg(`frame ${i}`);
      attachFrameImage(scan, f, { bytes, hash: sha(bytes) });
    });
    // Video frames attached to a synthesised trajectory: the pose says nothing about the image.
    const video = makeScene('vsibench:41069025', { points: 200, frames: 2 });
    video.provenance.synthesised.push('trajectory');
    video.trajectory!.forEach((f, i) => attachFrameImage(video, f, { bytes: taggedJpeg(`video ${i}`), hash: sha(taggedJpeg(`video ${i}`)) }));
    const plain = makeScene('synthetic:plain', { points: 200, frames: 2 });
    // Frame 1 of both looks at the boxes, so there is something to project.
    for (const s of [scan, plain]) s.trajectory![1]!.pose = lookAtPose([1, -3, 1.6], [1, 1.5, 0.4]);
    const store = openStore({ workspaceDir: dir });
    saveScenes(store, [scan, video, plain]);
    store.close();

    const host = createWorkbenchHost({ workspaceDir: dir, readonly: true, transport: 'http', appVersion: '9.9.9', watchIntervalMs: 0 });
    hosts.push(host);
    const jpeg = await host.getFrameImage(scan.id, 0);
    expect(jpeg).toMatchObject({ mime: 'image/jpeg', origin: 'camera', width: 16, height: 12 });
    expect(sha(jpeg.image)).toBe(scan.trajectory![0]!.imageBlob);
    const png = await host.getFrameImage(scan.id, 1);
    expect(png).toMatchObject({ mime: 'image/png', origin: 'camera', width: 64, height: 48 });
    // Boxes are projected into the stored image's pixels: the same boxes as the 320-pixel render of an identical
    // frame, scaled by 64 / 320.
    const rendered = await host.getFrameImage(plain.id, 1);
    expect(rendered).toMatchObject({ mime: 'image/png', origin: 'render', width: 320, height: 240 });
    expect(rendered.boxes.length).toBeGreaterThan(0);
    expect(png.boxes.map((b) => b.objectId)).toEqual(rendered.boxes.map((b) => b.objectId));
    png.boxes.forEach((b, i) => b.box.forEach((v, k) => expect(v).toBeCloseTo(rendered.boxes[i]!.box[k]! * 0.2, 6)));
    const fromVideo = await host.getFrameImage(video.id, 1);
    expect(fromVideo).toMatchObject({ mime: 'image/jpeg', origin: 'camera', boxes: [] });
  });
});
