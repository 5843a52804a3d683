/**
 * Camera images for trajectory frames, shared by the importers that read them (ScanNet colour frames,
 * ARKitScenes lowres_wide, frames sampled from a video): reading and checking an image file, uniform sampling of
 * frames, and fitting a frame's camera to its image's size. The bytes travel on `Scene.frameImages` until the
 * store saves them as blobs (importers never write to the store).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';
import type { CameraFrame, Scene } from '../../shared/scene.js';
import { readImageHeader, type ImageHeader } from '../perception/imageHeader.js';
import { checkFileSize, MAX_FRAME_IMAGE_BYTES, MAX_IMAGE_FRAMES } from './limits.js';

/**
 * Frames with images an importer keeps when the `frames` option is not given: each image is stored, so a whole
 * ScanNet sequence (thousands of frames) is not; 32 is what VSI-Bench's models see of a video and what perception
 * samples.
 */
export const DEFAULT_IMAGE_FRAMES = 32;

export interface FrameImageFile {
  /** SHA-256 of the bytes: the blob name `CameraFrame.imageBlob` takes. */
  hash: string;
  bytes: Uint8Array;
  header: ImageHeader;
}

export function hashImage(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads one frame's image, refusing (by file) what is too large or not a PNG / JPEG. */
export function readFrameImageFile(file: string): FrameImageFile {
  checkFileSize(file, MAX_FRAME_IMAGE_BYTES, 'a frame image', 'frames are camera images; downscale it first');
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError({ file, message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  return { hash: hashImage(bytes), bytes, header: imageHeaderOf(bytes, file) };
}

export function imageHeaderOf(bytes: Uint8Array, file: string): ImageHeader {
  const header = readImageHeader(bytes);
  if (typeof header === 'string') throw new InputError({ file, field: 'image', message: header });
  return header;
}

/**
 * `count` indices spread evenly over `total` items the way VSI-Bench samples a video's frames
 * (`np.linspace(0, total - 1, count, dtype=int)`: floored), first and last included. All of them when
 * `count ≥ total`; never a repeated index.
 */
export function uniformIndices(total: number, count: number): number[] {
  if (total <= 0) return [];
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  if (count <= 1) return [0];
  return Array.from({ length: count }, (_, i) => Math.floor((i * (total - 1)) / (count - 1)));
}

/** The `frames` option as an importer of images takes it: a whole number from 1 to MAX_IMAGE_FRAMES. */
export function imageFrameCount(frames: number | undefined): number {
  if (frames === undefined) return DEFAULT_IMAGE_FRAMES;
  if (!Number.isInteger(frames) || frames < 1 || frames > MAX_IMAGE_FRAMES) {
    throw new InputError({
      field: 'frames',
      message: `expected a whole number of frames from 1 to ${MAX_IMAGE_FRAMES} (each frame's image is held in memory and stored), found ${frames}`,
    });
  }
  return frames;
}

/**
 * The frame with its camera fitted to its image: an image of another size than the camera's (a downscaled export)
 * keeps the field of view, so the intrinsics scale with it. Returns whether they had to.
 */
export function fitFrameToImage(frame: CameraFrame, image: ImageHeader): boolean {
  if (frame.width === image.width && frame.height === image.height) return false;
  const sx = image.width / frame.width;
  const sy = image.height / frame.height;
  const k = frame.intrinsics;
  frame.intrinsics = { fx: k.fx * sx, fy: k.fy * sy, cx: k.cx * sx, cy: k.cy * sy };
  frame.width = image.width;
  frame.height = image.height;
  return true;
}

/** Attaches an image to a frame, keeping its bytes on the scene until the store saves them. */
export function attachFrameImage(scene: Scene, frame: CameraFrame, image: Pick<FrameImageFile, 'hash' | 'bytes'>): void {
  frame.imageBlob = image.hash;
  (scene.frameImages ??= new Map()).set(image.hash, image.bytes);
}

/** "a, b, c, …" for warnings that name the first few items of a longer list. */
export function firstFew(names: readonly string[], n = 5): string {
  return `${names.slice(0, n).join(', ')}${names.length > n ? ', …' : ''}`;
}
