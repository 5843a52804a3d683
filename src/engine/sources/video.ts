/**
 * Frames of a scene's video (VSI-Bench ships one mp4 per scene) as trajectory images, sampled with the `ffmpeg`
 * and `ffprobe` programs (Debian's `ffmpeg` package) the way VSI-Bench samples its videos: N frame indices spread
 * evenly over the whole video, first and last included (`np.linspace(0, frames − 1, N, dtype=int)`).
 *
 * A bare video has no poses, and every frame of the canonical scene needs one (perception projects through it),
 * so video frames are attached to the scene's existing trajectory by uniform index: trajectory frame i of T takes
 * video frame ⌊i·(V − 1)/(T − 1)⌋. For VSI-Bench scenes that trajectory is synthesised from the boxes, so its
 * poses do not describe the images: the provenance says so, and viewers draw no projected boxes over them.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { hashImage, imageHeaderOf } from './frameImages.js';

/** What to install when the programs are missing; said in every such error. */
export const FFMPEG_INSTALL_HINT = "install Debian's ffmpeg package (apt-get install -y ffmpeg), or your system's ffmpeg, so that ffmpeg and ffprobe are on PATH";

/** Video file names tried for a scene, in this order, in the videos folder and in its `<dataset>/` subfolder. */
export const VIDEO_EXTENSIONS = ['.mp4', '.mov', '.mkv', '.webm'] as const;

/** A video longer than this to decode is given up on (a whole VSI-Bench video decodes in seconds). */
const FFMPEG_TIMEOUT_MS = 10 * 60 * 1000;

function run(program: 'ffmpeg' | 'ffprobe', args: string[], file: string): SpawnSyncReturns<Buffer> {
  const r = spawnSync(program, args, { timeout: FFMPEG_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, windowsHide: true });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError({ file, message: `sampling frames from a video needs ${program}, which is not on PATH: ${FFMPEG_INSTALL_HINT}` });
    if (code === 'ETIMEDOUT') throw new InputError({ file, message: `${program} did not finish within ${FFMPEG_TIMEOUT_MS / 60000} minutes` });
    throw new InputError({ file, message: `could not run ${program}: ${code ?? String(r.error)}` });
  }
  return r;
}

/**
 * Why a program failed, without its output: ffmpeg's messages can repeat a file's metadata, and errors never quote
 * a file's bytes. The exit status and the program say where to look (run it by hand for its messages).
 */
function failed(program: string, r: SpawnSyncReturns<Buffer>, what: string): string {
  return `${program} ${what} (${r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`}); run ${program} on the file for its own message`;
}

export interface VideoInfo {
  /** Frames in the first video stream (packets counted, not the container's estimate). */
  frameCount: number;
  width: number;
  height: number;
}

export function probeVideo(file: string): VideoInfo {
  const r = run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets,width,height', '-of', 'json', file], file);
  if (r.status !== 0) throw new InputError({ file, message: failed('ffprobe', r, 'could not read it as a video') });
  let stream: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(r.stdout.toString('utf8')) as { streams?: Record<string, unknown>[] };
    stream = parsed.streams?.[0];
  } catch {
    stream = undefined;
  }
  if (!stream) throw new InputError({ file, message: 'expected a video stream, found none' });
  const frameCount = Number(stream.nb_read_packets);
  const width = Number(stream.width);
  const height = Number(stream.height);
  if (!(Number.isInteger(frameCount) && frameCount > 0)) throw new InputError({ file, field: 'video stream', message: `expected at least one frame, found ${String(stream.nb_read_packets)}` });
  if (!(width > 0 && height > 0)) throw new InputError({ file, field: 'video stream', message: 'expected a positive frame size' });
  return { frameCount, width, height };
}

export interface VideoFrame {
  /** Frame index in the video, from 0. */
  index: number;
  /** JPEG bytes. */
  bytes: Uint8Array;
  hash: string;
}

/**
 * The video's frames at `indices` (ascending, distinct), decoded once and written as JPEG (quality 2–31 scale: 3,
 * near-lossless at VSI-Bench's resolutions). Throws an InputError naming the file when ffmpeg is missing or fails.
 */
export function extractVideoFrames(file: string, indices: readonly number[]): VideoFrame[] {
  if (indices.length === 0) return [];
  const out = mkdtempSync(join(tmpdir(), 'ouroboros-video-'));
  try {
    const select = `select='${indices.map((i) => `eq(n\\,${i})`).join('+')}'`;
    const common = ['-v', 'error', '-nostdin', '-i', file, '-map', '0:v:0', '-vf', select];
    const tail = ['-q:v', '3', '-f', 'image2', join(out, '%06d.jpg')];
    // Without passthrough timing the image muxer repeats frames to fill the gaps between selected ones.
    // -fps_mode is ffmpeg ≥ 5.1; older builds only know -vsync.
    let r = run('ffmpeg', [...common, '-fps_mode', 'passthrough', ...tail], file);
    if (r.status !== 0 && /fps_mode/.test(r.stderr.toString('utf8'))) {
      for (const f of readdirSync(out)) rmSync(join(out, f), { force: true });
      r = run('ffmpeg', [...common, '-vsync', '0', ...tail], file);
    }
    if (r.status !== 0) throw new InputError({ file, message: failed('ffmpeg', r, 'could not decode the frames') });
    // Outputs are numbered in decode order; when the stream holds fewer decodable frames than its packets said,
    // the ones missing are the last selected, so the rest keep their indices.
    const written = readdirSync(out).filter((f) => f.endsWith('.jpg')).sort();
    return written.slice(0, indices.length).map((name, k) => {
      const bytes = readFileSync(join(out, name));
      imageHeaderOf(bytes, file);
      return { index: indices[k]!, bytes, hash: hashImage(bytes) };
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The scene's video in `dir`: `<dir>/<source id><ext>` or `<dir>/<dataset>/<source id><ext>` (VSI-Bench's layout). */
export function findSceneVideo(dir: string, scene: Scene): string | undefined {
  const name = scene.provenance.sourceId;
  for (const folder of [dir, join(dir, scene.dataset)]) {
    for (const ext of VIDEO_EXTENSIONS) {
      const f = join(folder, `${name}${ext}`);
      if (existsSync(f) && statSync(f).isFile()) return f;
    }
  }
  return undefined;
}

/** Trajectory frame i of `frames` takes this video frame of `videoFrames`: the same uniform spread as `uniformIndices`. */
export function videoFrameFor(i: number, frames: number, videoFrames: number): number {
  return frames <= 1 ? 0 : Math.floor((i * (videoFrames - 1)) / (frames - 1));
}

/**
 * Attaches each scene's video frames to its trajectory (see the top of this file). Scenes without a video or
 * without a trajectory keep rendered frames and get a warning; none of them having a video is an InputError
 * naming the folder (a wrong folder should not pass as "no videos").
 */
export function attachSceneVideos(scenes: readonly Scene[], dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError({ file: dir, field: 'videos', message: 'expected a folder of scene videos, found no folder there' });
  const videos = scenes.map((s) => findSceneVideo(dir, s));
  if (scenes.length > 0 && videos.every((v) => v === undefined)) {
    const example = scenes[0]!;
    throw new InputError({
      file: dir,
      field: 'videos',
      message: `found no video for any of the ${scenes.length} scenes (looked for <scene>${VIDEO_EXTENSIONS[0]} and <dataset>/<scene>${VIDEO_EXTENSIONS[0]}, e.g. ${example.dataset}/${example.provenance.sourceId}${VIDEO_EXTENSIONS[0]})`,
    });
  }
  scenes.forEach((scene, s) => {
    const video = videos[s];
    const p = scene.provenance;
    if (!video) {
      p.warnings.push(`no video for this scene in ${dir}: its frames have no camera images`);
      return;
    }
    const frames = scene.trajectory ?? [];
    if (frames.length === 0) {
      p.warnings.push(`${video}: the scene has no trajectory to attach the video's frames to; not used`);
      return;
    }
    const info = probeVideo(video);
    const wanted = frames.map((_, i) => videoFrameFor(i, frames.length, info.frameCount));
    const got = new Map(extractVideoFrames(video, [...new Set(wanted)]).map((f) => [f.index, f]));
    let missing = 0;
    frames.forEach((frame, i) => {
      const f = got.get(wanted[i]!);
      if (!f) {
        missing++;
        return;
      }
      frame.imageBlob = f.hash;
      (scene.frameImages ??= new Map()).set(f.hash, f.bytes);
    });
    p.files.push(video);
    const posed = p.synthesised.includes('trajectory') ? 'the synthesised poses do not describe these images' : 'the poses are the trajectory\'s, not measured for these images';
    p.conversion.notes.push(
      `frame images: ${frames.length - missing} frames sampled uniformly from ${video} (${info.frameCount} frames, ${info.width}×${info.height}; VSI-Bench's sampling), attached to the trajectory by index (frame i takes video frame ⌊i·(V−1)/(T−1)⌋): ${posed}`,
    );
    if (missing) p.warnings.push(`${video}: ffmpeg decoded fewer frames than the stream counts; ${missing} trajectory frames have no image`);
  });
}
