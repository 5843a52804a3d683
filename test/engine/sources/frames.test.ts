/**
 * Camera images of real scenes (issue 12): ScanNet's SensReader export, ARKitScenes' lowres_wide frames and a
 * scene video sampled with ffmpeg, as the importers attach them to trajectory frames. Bad files end in an
 * InputError naming the file and the field, never quoting the file.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from '../../../src/engine/perception/imageHeader.js';
import { ARKIT_FRAME_TOLERANCE_S, importArkitScene } from '../../../src/engine/sources/arkitscenes.js';
import { DEFAULT_IMAGE_FRAMES, uniformIndices } from '../../../src/engine/sources/frameImages.js';
import { formatSourceSpec, loadScenes, parseSourceSpec, sourceReadPaths } from '../../../src/engine/sources/index.js';
import { MAX_IMAGE_FRAMES } from '../../../src/engine/sources/limits.js';
import { importScanNetScene } from '../../../src/engine/sources/scannet.js';
import { extractVideoFrames, FFMPEG_INSTALL_HINT, probeVideo, videoFrameFor } from '../../../src/engine/sources/video.js';
import { resourceFile } from '../../../src/engine/resources.js';
import { checkScenePaths } from '../../../src/server/scenePaths.js';
import type { Scene } from '../../../src/shared/scene.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { TINY_JPEG, flatPng, taggedJpeg, writeArkitFixture, writeArkitLowresWide, writeScanNetExport, writeScanNetFixture } from './fileFixtures.js';

const tmp = useTmpDirs();
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const SECRET = 'root:x:0:0:root:/root:/bin/bash\nAPI_KEY=sk-SECRET-7f3a9c\n';
const expectNoSecret = (text: string): void => {
  for (const bit of ['root:x', 'SECRET', '7f3a9c', 'API_KEY']) expect(text).not.toContain(bit);
};

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
const NO_FFMPEG = HAS_FFMPEG ? '' : ' (skipped: ffmpeg/ffprobe not on PATH; apt-get install -y ffmpeg)';

/** Every frame with an image has its bytes on the scene, under the hash of those bytes. */
function expectImagesCarried(scene: Scene): void {
  for (const f of scene.trajectory!) {
    expect(f.imageBlob).toMatch(/^[0-9a-f]{64}$/);
    expect(sha(scene.frameImages!.get(f.imageBlob!)!)).toBe(f.imageBlob);
  }
}

describe('image headers and uniform sampling', () => {
  it('reads the format and size of a PNG and a JPEG without decoding them', () => {
    expect(readImageHeader(flatPng(7, 5, 1))).toEqual({ mime: 'image/png', width: 7, height: 5 });
    expect(readImageHeader(TINY_JPEG)).toEqual({ mime: 'image/jpeg', width: 16, height: 12 });
    expect(readImageHeader(taggedJpeg('frame 3'))).toEqual({ mime: 'image/jpeg', width: 16, height: 12 });
  });

  it('describes what is not a PNG or JPEG by position, never quoting it', () => {
    expect(readImageHeader(new TextEncoder().encode(SECRET))).toBe('expected a PNG or JPEG image, found neither signature at its start');
    expect(readImageHeader(new Uint8Array())).toBe('expected a PNG or JPEG image, found an empty file');
    expect(readImageHeader(TINY_JPEG.subarray(0, 20))).toBe('expected a JPEG with a frame header (SOF) before its image data, found none');
    expect(readImageHeader(flatPng(7, 5, 1).subarray(0, 12))).toBe('expected a PNG whose first chunk is IHDR, found a truncated or damaged header');
  });

  it('samples indices as VSI-Bench does (np.linspace, floored), never repeating one', () => {
    expect(uniformIndices(100, 5)).toEqual([0, 24, 49, 74, 99]);
    expect(uniformIndices(3, 5)).toEqual([0, 1, 2]);
    expect(uniformIndices(10, 1)).toEqual([0]);
    expect(uniformIndices(0, 4)).toEqual([]);
    expect([0, 1, 2, 3].map((i) => videoFrameFor(i, 4, 40))).toEqual([0, 13, 26, 39]);
    // A video shorter than the trajectory: frames share a video frame rather than skip one.
    expect([0, 1, 2, 3, 4].map((i) => videoFrameFor(i, 5, 3))).toEqual([0, 0, 1, 1, 2]);
  });
});

describe('ScanNet: SensReader export beside the scan', () => {
  it('samples N frames uniformly from those with a pose and a colour image, each carrying its JPEG', () => {
    const fx = writeScanNetFixture(tmp());
    const ex = writeScanNetExport(fx, { lostTracking: [30] });
    const scene = importScanNetScene(fx.dir, { frames: 5 });
    const usable = ex.frameNumbers.filter((n) => n !== 30);
    const expected = uniformIndices(usable.length, 5).map((i) => usable[i]!);
    const traj = scene.trajectory!;
    expect(traj.map((f) => f.timestamp)).toEqual(expected.map((n) => n / 30));
    expect(traj.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
    traj.forEach((f, i) => {
      f.pose.forEach((v, k) => expect(v).toBeCloseTo(ex.poses.get(expected[i]!)![k]!, 9));
      expect(f.imageBlob).toBe(sha(ex.images.get(expected[i]!)!));
    });
    expectImagesCarried(scene);
    expect(scene.frameImages!.size).toBe(5);
    // The JPEGs are 16×12, not the 1296×968 camera: the field of view is kept, intrinsics scale to the image.
    expect([traj[0]!.width, traj[0]!.height]).toEqual([16, 12]);
    expect(traj[0]!.intrinsics.fx).toBeCloseTo((1169.6 * 16) / 1296, 9);
    expect(traj[0]!.intrinsics.cy).toBeCloseTo((489.9 * 12) / 968, 9);
    const warnings = scene.provenance.warnings.join('\n');
    expect(warnings).toContain('1 of 20 poses have non-finite entries (tracking lost) and were skipped: 30.txt');
    expect(warnings).toContain('5 colour images are 16×12, not the camera\'s 1296×968: their intrinsics were scaled to the image');
    expect(scene.provenance.files).toContain(join(ex.frameDir, 'color'));
    expect(scene.provenance.conversion.notes.join('\n')).toMatch(/trajectory: 5 of 19 frames with a pose and a colour image, sampled uniformly/);
  });

  it(`keeps ${DEFAULT_IMAGE_FRAMES} frames by default, and the loader passes frames through`, () => {
    const fx = writeScanNetFixture(tmp());
    writeScanNetExport(fx, { frameNumbers: Array.from({ length: 40 }, (_, i) => i) });
    expect(importScanNetScene(fx.dir).trajectory).toHaveLength(DEFAULT_IMAGE_FRAMES);
    expect(loadScenes(`scannet:${fx.dir}`, { frames: 3 })[0]!.trajectory).toHaveLength(3);
  });

  it('finds the export in the scan folder, frames/ or sens/; PNG frames at the camera size keep the intrinsics', () => {
    for (const under of ['.', 'sens']) {
      const fx = writeScanNetFixture(tmp());
      writeScanNetExport(fx, { under, frameNumbers: [0, 5], image: (n) => ({ ext: 'png', bytes: flatPng(1296, 968, n) }) });
      const scene = importScanNetScene(fx.dir);
      expect(scene.trajectory).toHaveLength(2);
      expectImagesCarried(scene);
      expect(scene.trajectory![0]!.intrinsics).toEqual({ fx: 1169.6, fy: 1167.1, cx: 646.3, cy: 489.9 });
      expect(scene.provenance.warnings.join('\n')).not.toMatch(/scaled/);
    }
  });

  it('names the poses without an image; without color/ every pose is kept as before', () => {
    const fx = writeScanNetFixture(tmp());
    writeScanNetExport(fx, { frameNumbers: [0, 10, 20], image: (n) => (n === 10 ? null : { ext: 'jpg', bytes: taggedJpeg(String(n)) }) });
    const scene = importScanNetScene(fx.dir);
    expect(scene.trajectory).toHaveLength(2);
    expect(scene.provenance.warnings.join('\n')).toContain('1 poses have no colour image in frames/color/ and were skipped: 10.txt');

    const bare = writeScanNetFixture(tmp(), { poses: true });
    const poses = importScanNetScene(bare.dir);
    expect(poses.trajectory).toHaveLength(2);
    expect(poses.trajectory!.every((f) => f.imageBlob === undefined)).toBe(true);
    expect(poses.frameImages).toBeUndefined();
  });

  it('a colour file that is not an image, and a frames count past the cap, are named', () => {
    const fx = writeScanNetFixture(tmp());
    const ex = writeScanNetExport(fx, { frameNumbers: [0, 10], image: (n) => ({ ext: 'jpg', bytes: n === 10 ? new TextEncoder().encode(SECRET) : TINY_JPEG }) });
    const e = inputError(() => importScanNetScene(fx.dir));
    expect(e.problems[0]).toMatchObject({ file: join(ex.frameDir, 'color', '10.jpg'), field: 'image', message: 'expected a PNG or JPEG image, found neither signature at its start' });
    expectNoSecret(e.message);
    const cap = inputError(() => importScanNetScene(fx.dir, { frames: MAX_IMAGE_FRAMES + 1 }));
    expect(cap.problems[0]).toMatchObject({ field: 'frames' });
    expect(cap.message).toContain(`from 1 to ${MAX_IMAGE_FRAMES}`);
  });
});

describe('ARKitScenes: lowres_wide frames matched to the trajectory', () => {
  it('takes the nearest pose within the tolerance, drops (and names) images without one, and the .pincam of each', () => {
    const fx = writeArkitFixture(tmp(), { pincam: true });
    // The second image is 10 ms off its pose (matched); the last is a minute away from any (dropped).
    const images = writeArkitLowresWide(fx, [6845.806, 6845.916, 6846.006, 6906.0]);
    const scene = importArkitScene(fx.dir, { samplePoints: 2000 });
    const traj = scene.trajectory!;
    expect(traj).toHaveLength(3);
    const names = [...images.keys()];
    traj.forEach((f, i) => {
      expect(f.imageBlob).toBe(sha(images.get(names[i]!)!));
      f.pose.forEach((v, k) => expect(v).toBeCloseTo(fx.poses[i]![k]!, 6));
    });
    expect(traj.map((f) => Math.round(f.timestamp * 1000))).toEqual([0, 110, 200]);
    expect(traj[0]!.intrinsics).toEqual({ fx: 211.5, fy: 211.5, cx: 127.9, cy: 95.9 });
    expect([traj[0]!.width, traj[0]!.height]).toEqual([256, 192]);
    expectImagesCarried(scene);
    expect(scene.provenance.warnings.join('\n')).toContain(
      `1 of 4 lowres_wide images have no pose within ${ARKIT_FRAME_TOLERANCE_S} s in lowres_wide.traj and were dropped: ${fx.videoId}_6906.000.png`,
    );
    expect(importArkitScene(fx.dir, { samplePoints: 2000, frames: 2 }).trajectory!.map((f) => f.imageBlob)).toEqual([traj[0]!.imageBlob, traj[2]!.imageBlob]);
  });

  it('a lowres_wide file that is not a PNG is named, not quoted', () => {
    const fx = writeArkitFixture(tmp());
    const dir = join(fx.dir, `${fx.videoId}_frames`, 'lowres_wide');
    mkdirSync(dir);
    writeFileSync(join(dir, `${fx.videoId}_6845.806.png`), SECRET);
    const e = inputError(() => importArkitScene(fx.dir, { samplePoints: 100 }));
    expect(e.problems[0]).toMatchObject({ file: join(dir, `${fx.videoId}_6845.806.png`), field: 'image' });
    expectNoSecret(e.message);
  });
});

describe('source specs: ?videos=', () => {
  it('parses in either order with ?part=, formats back, and names the folder among the paths read', () => {
    const a = parseSourceSpec('vsibench:builtin?videos=/data/vsi?part=heldout');
    expect(a).toEqual({ kind: 'vsibench', arg: 'builtin', videos: '/data/vsi', part: 'heldout' });
    expect(parseSourceSpec('vsibench:builtin?part=heldout?videos=/data/vsi')).toEqual(a);
    expect(formatSourceSpec(a)).toBe('vsibench:builtin?videos=/data/vsi?part=heldout');
    expect(sourceReadPaths(a)).toEqual(['/data/vsi']);
    expect(sourceReadPaths('vsibench:/m/meta.json?videos=/v')).toEqual(['/m/meta.json', '/v']);
    // Any other `?` is still part of the path.
    expect(parseSourceSpec('ply:/odd?name.ply')).toEqual({ kind: 'ply', arg: '/odd?name.ply' });
  });

  it('browser mode checks the videos folder against the allowed folders like the source path', () => {
    const allowed = tmp();
    const ok = { scenes: [`vsibench:builtin?videos=${join(allowed, 'videos')}`] };
    expect(() => checkScenePaths(ok, [allowed])).not.toThrow();
    const e = inputError(() => checkScenePaths({ scenes: ['vsibench:builtin?videos=/etc?part=train'] }, [allowed]));
    expect(e.problems[0]).toMatchObject({ field: 'config.scenes[0]' });
    expect(e.message).toContain('is outside them');
  });

  it('refuses ?videos= on scans and without a folder', () => {
    expect(inputError(() => parseSourceSpec('scannet:/scans/x?videos=/v')).message).toContain('?videos= is for vsibench sources');
    expect(inputError(() => parseSourceSpec('vsibench:builtin?videos=')).message).toContain('?videos= needs a folder');
  });
});

/** Two ARKitScenes scenes of the built-in meta file, written as a small meta_info file. */
function smallMeta(dir: string): { file: string; ids: string[] } {
  const raw = JSON.parse(readFileSync(resourceFile('vsibench', 'arkitscenes_meta_info_val.json'), 'utf8')) as Record<string, unknown>;
  const ids = Object.keys(raw).slice(0, 2);
  const file = join(dir, 'meta.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries(ids.map((k) => [k, raw[k]]))));
  return { file, ids };
}

describe('videos (ffmpeg)', () => {
  it('without ffmpeg on PATH: an InputError naming the video and what to install', () => {
    const dir = tmp();
    const { file, ids } = smallMeta(dir);
    mkdirSync(join(dir, 'videos'));
    writeFileSync(join(dir, 'videos', `${ids[0]}.mp4`), 'not decoded: ffmpeg is never found');
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'empty');
    try {
      const e = inputError(() => loadScenes(`vsibench:${file}?videos=${join(dir, 'videos')}`, { frames: 4 }));
      expect(e.problems[0]).toMatchObject({ file: join(dir, 'videos', `${ids[0]}.mp4`) });
      expect(e.message).toContain('needs ffprobe, which is not on PATH');
      expect(e.message).toContain(FFMPEG_INSTALL_HINT);
    } finally {
      process.env.PATH = path;
    }
  });

  it('a folder holding no scene video is refused by name', () => {
    const dir = tmp();
    const { file } = smallMeta(dir);
    mkdirSync(join(dir, 'videos'));
    const e = inputError(() => loadScenes(`vsibench:${file}?videos=${join(dir, 'videos')}`));
    expect(e.problems[0]).toMatchObject({ file: join(dir, 'videos'), field: 'videos' });
    expect(e.message).toMatch(/found no video for any of the 2 scenes \(looked for <scene>\.mp4 and <dataset>\/<scene>\.mp4/);
    expect(inputError(() => loadScenes(`vsibench:${file}?videos=${join(dir, 'nowhere')}`)).problems[0]).toMatchObject({ field: 'videos' });
  });

  /** A 40-frame video whose frame n is flat grey of luma 10 + 5n, so a decoded frame says which one it was. */
  function greyRamp(file: string): void {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=32x24:r=10:d=4', '-vf', 'geq=lum=10+5*N:cb=128:cr=128', '-c:v', 'mpeg4', '-q:v', '1', '-pix_fmt', 'yuv420p', file]);
    expect(r.status, r.stderr.toString()).toBe(0);
  }

  /** Mean luminance of a JPEG, decoded by ffmpeg. */
  function meanGrey(jpeg: Uint8Array): number {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'jpeg_pipe', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { input: jpeg });
    const px = r.stdout;
    return px.reduce((s, v) => s + v, 0) / px.length;
  }

  it(`samples frames uniformly over the video and attaches them to the trajectory by index${NO_FFMPEG}`, { skip: !HAS_FFMPEG, timeout: 60_000 }, () => {
    const dir = tmp();
    const { file, ids } = smallMeta(dir);
    // VSI-Bench's layout: <videos>/<dataset>/<scene>.mp4; the second scene has no video.
    mkdirSync(join(dir, 'videos', 'arkitscenes'), { recursive: true });
    const video = join(dir, 'videos', 'arkitscenes', `${ids[0]}.mp4`);
    greyRamp(video);
    expect(probeVideo(video)).toEqual({ frameCount: 40, width: 32, height: 24 });
    const [withVideo, without] = loadScenes(`vsibench:${file}?videos=${join(dir, 'videos')}`, { frames: 4 });
    const traj = withVideo!.trajectory!;
    expect(traj).toHaveLength(4);
    expectImagesCarried(withVideo!);
    // Trajectory frame i of 4 takes video frame ⌊i·39/3⌋ = 0, 13, 26, 39.
    const levels = traj.map((f) => meanGrey(withVideo!.frameImages!.get(f.imageBlob!)!));
    // Video luma is limited range (16–235); gray output is full range.
    const grey = (n: number): number => Math.max(0, ((10 + 5 * n - 16) * 255) / 219);
    [0, 13, 26, 39].forEach((n, i) => expect(Math.abs(levels[i]! - grey(n))).toBeLessThan(3));
    expect(withVideo!.provenance.files).toContain(video);
    expect(withVideo!.provenance.conversion.notes.join('\n')).toMatch(/frame images: 4 frames sampled uniformly from .*\(40 frames, 32×24; VSI-Bench's sampling\).*the synthesised poses do not describe these images/);
    expect(without!.trajectory!.every((f) => f.imageBlob === undefined)).toBe(true);
    expect(without!.provenance.warnings.join('\n')).toContain('no video for this scene in');
  });

  it(`a file that is not a video is named; extracted frames are JPEGs${NO_FFMPEG}`, { skip: !HAS_FFMPEG, timeout: 60_000 }, () => {
    const dir = tmp();
    const bad = join(dir, 'bad.mp4');
    writeFileSync(bad, SECRET);
    const e = inputError(() => probeVideo(bad));
    expect(e.problems[0]).toMatchObject({ file: bad });
    expect(e.message).toMatch(/ffprobe could not read it as a video \(exit status \d+\)/);
    expectNoSecret(e.message);
    const video = join(dir, 'ramp.mp4');
    greyRamp(video);
    const frames = extractVideoFrames(video, [0, 39]);
    expect(frames.map((f) => f.index)).toEqual([0, 39]);
    for (const f of frames) expect(readImageHeader(f.bytes)).toEqual({ mime: 'image/jpeg', width: 32, height: 24 });
  });
});
