/**
 * Frame images as blobs (issue 12): saved with the scene, part of its version, kept by the sweep exactly as long
 * as a stored scene version lists them (scene_frame_images, migration 0008), and read back by frameImageBytes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Scene } from '../../../src/shared/scene.js';
import { frameImageBytes } from '../../../src/engine/perception/cameraImage.js';
import { attachFrameImage } from '../../../src/engine/sources/frameImages.js';
import { assignRunScenes, createRun, loadScene, saveScene, sweepBlobs, type Store } from '../../../src/engine/store/index.js';
import { inputError } from '../../helpers/errors.js';
import { flatPng, taggedJpeg } from '../sources/fileFixtures.js';
import { makeScene, newRun, useWorkspaces } from './fixtures.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A scene of `frames` frames, each with a JPEG tagged `<tag> <i>` (frames 1 and 2 share one image when `share`). */
function withImages(tag: string, frames = 3, share = false): Scene {
  const scene = makeScene('scannet:scene0001_00', { points: 50, frames });
  scene.trajectory!.forEach((f, i) => attachFrameImage(scene, f, { bytes: taggedJpeg(`${tag} ${share && i === 2 ? 1 : i}`), hash: sha(taggedJpeg(`${tag} ${share && i === 2 ? 1 : i}`)) }));
  return scene;
}

const rows = (store: Store): { scene_id: string; version: string; frame_index: number; image_blob: string }[] =>
  store.db.prepare('SELECT * FROM scene_frame_images ORDER BY version, frame_index').all() as never;

describe('frame images in the store', () => {
  const ws = useWorkspaces();

  it('are stored as blobs, listed per version, and come back through frameImageBytes', () => {
    const store = ws.open(ws.dir());
    const scene = withImages('a', 3, true);
    const saved = saveScene(store, scene);
    const hashes = scene.trajectory!.map((f) => f.imageBlob!);
    expect(new Set(hashes).size).toBe(2);
    expect(rows(store).map((r) => [r.version, r.frame_index, r.image_blob])).toEqual(hashes.map((h, i) => [saved.version, i, h]));
    const loaded = loadScene(store, scene.id);
    expect(loaded.frameImages).toBeUndefined();
    expect(loaded.trajectory!.map((f) => f.imageBlob)).toEqual(hashes);
    const img = frameImageBytes(loaded, 1, store);
    expect(img).toMatchObject({ mime: 'image/jpeg', width: 16, height: 12, origin: 'camera' });
    expect(sha(img.bytes)).toBe(hashes[1]);
    // Straight from an import, before any store: the scene's own bytes.
    expect(sha(frameImageBytes(scene, 0).bytes)).toBe(hashes[0]);
    expect(() => frameImageBytes(loaded, 0)).toThrow(/has a stored image .*pass the store/);
    expect(() => frameImageBytes(loaded, 3, store)).toThrow(RangeError);
    // Frames without an image are rendered.
    const plain = makeScene('synthetic:x', { points: 50, frames: 2 });
    expect(frameImageBytes(plain, 0)).toMatchObject({ mime: 'image/png', origin: 'render' });
  });

  it('are part of the version: another image is another version; the same images again change nothing', () => {
    const store = ws.open(ws.dir());
    const first = saveScene(store, withImages('a'));
    expect(saveScene(store, withImages('a'))).toMatchObject({ change: 'unchanged', version: first.version });
    const png = withImages('a');
    const last = png.trajectory![2]!;
    attachFrameImage(png, last, { bytes: flatPng(4, 3, 9), hash: sha(flatPng(4, 3, 9)) });
    expect(saveScene(store, png)).toMatchObject({ change: 'changed', previous: { version: first.version } });
    expect(frameImageBytes(loadScene(store, png.id), 2, store)).toMatchObject({ mime: 'image/png', width: 4, height: 3, origin: 'camera' });
  });

  it('the sweep keeps the images of every stored version, and removes them once that version is gone', () => {
    const store = ws.open(ws.dir());
    const a = withImages('a');
    const v1 = saveScene(store, a).version;
    const run = createRun(store, newRun());
    assignRunScenes(store, run.id, [{ sceneId: a.id, split: 'train' }]);
    const aHashes = a.trajectory!.map((f) => f.imageBlob!);
    const now = { minAgeMs: 0 };
    expect(sweepBlobs(store, now).removedBlobs).toEqual([]);

    // Re-import with other images: the run keeps v1, so v1's images stay.
    const b = withImages('b');
    const v2 = saveScene(store, b).version;
    expect(sweepBlobs(store, now).removedBlobs).toEqual([]);
    for (const h of aHashes) expect(store.blobs.exists(h)).toBe(true);
    expect(sha(frameImageBytes(loadScene(store, a.id, v1), 0, store).bytes)).toBe(aHashes[0]);

    // A third import replaces v2, which no run used: its images go, v1's stay.
    const c = withImages('c');
    const v3 = saveScene(store, c).version;
    const bHashes = b.trajectory!.map((f) => f.imageBlob!);
    expect(new Set(rows(store).map((r) => r.version))).toEqual(new Set([v1, v3]));
    expect(v2).not.toBe(v1);
    expect(sweepBlobs(store, now).removedBlobs.sort()).toEqual([...bHashes].sort());

    // Once the kept version is let go (its run's pin gone), a sweep removes its images too.
    store.db.prepare('DELETE FROM scene_versions WHERE scene_id = ? AND version = ?').run(a.id, v1);
    expect(sweepBlobs(store, now).removedBlobs.sort()).toEqual([...aHashes].sort());
    for (const f of c.trajectory!) expect(store.blobs.exists(f.imageBlob!)).toBe(true);
  });

  it('a frame naming an image neither carried nor stored is refused, naming the frame', () => {
    const store = ws.open(ws.dir());
    const scene = withImages('a');
    scene.frameImages!.delete(scene.trajectory![1]!.imageBlob!);
    const e = inputError(() => saveScene(store, scene));
    expect(e.problems).toEqual([
      { field: 'scannet:scene0001_00.trajectory[1].imageBlob', message: 'expected the image\'s bytes in the scene\'s frameImages or an image the workspace holds, found neither' },
    ]);
    expect(rows(store)).toEqual([]);
    // Bytes under another image's name are refused as well.
    const swapped = withImages('a');
    const [h0, h1] = swapped.trajectory!.map((f) => f.imageBlob!);
    swapped.frameImages!.set(h0!, swapped.frameImages!.get(h1!)!);
    expect(inputError(() => saveScene(store, swapped)).message).toContain(`expected the bytes of image ${h0}`);
  });

  it('a scene loaded from the store saves again without its bytes (they are in the workspace)', () => {
    const store = ws.open(ws.dir());
    const first = saveScene(store, withImages('a'));
    const loaded = loadScene(store, 'scannet:scene0001_00');
    loaded.provenance.warnings.push('edited');
    const again = saveScene(store, loaded);
    expect(again).toMatchObject({ change: 'changed', previous: { version: first.version } });
    expect(rows(store).every((r) => r.version === again.version)).toBe(true);
    // The new version uses the same blobs: the old version's rows went, its images did not.
    expect(sweepBlobs(store, { minAgeMs: 0 }).removedBlobs).toEqual([]);
    expect(sha(frameImageBytes(loadScene(store, loaded.id), 2, store).bytes)).toBe(loaded.trajectory![2]!.imageBlob);
  });
});
