/**
 * The picture of one trajectory frame, for anything that shows frames or sends them to a model (the scene view,
 * an external multimodal solver): the camera's own image when the source had one (a stored PNG / JPEG blob, see
 * `CameraFrame.imageBlob`), else a rendering of the scene from the frame's pose. Synthetic scenes keep their
 * renders; real scans and videos bring pixels.
 */
import type { FrameImageMime, Scene } from '../../shared/scene.js';
import { readImageHeader } from './imageHeader.js';
import { encodePng } from './png.js';
import { renderFrame } from './render.js';

/** Longest side of a rendered frame in pixels by default: a filmstrip thumbnail, cheap enough to render while scrubbing. */
export const FRAME_RENDER_SIZE = 320;

export interface FrameImageBytes {
  mime: FrameImageMime;
  bytes: Uint8Array;
  width: number;
  height: number;
  /** `camera`: the source's image of this frame; `render`: drawn from the scene (no image was stored). */
  origin: 'camera' | 'render';
}

/** Where stored images are read from: a Store (`store.blobs`) satisfies it. */
export interface FrameImageStore {
  blobs: { read(hash: string, owner: string): Uint8Array };
}

export interface FrameImageOptions {
  /** Longest side of a rendered image (default FRAME_RENDER_SIZE); stored images come at their own size. */
  renderSize?: number;
  /** What a render draws (see `RenderOptions.source`). */
  renderSource?: 'auto' | 'boxes';
}

/** A render size with the frame's aspect ratio and `longest` pixels on its longer side. */
export function frameImageSize(frameWidth: number, frameHeight: number, longest = FRAME_RENDER_SIZE): { width: number; height: number } {
  const s = longest / Math.max(frameWidth, frameHeight);
  return { width: Math.max(1, Math.round(frameWidth * s)), height: Math.max(1, Math.round(frameHeight * s)) };
}

/**
 * Frame `frameIndex` of the scene's trajectory as image bytes: the stored image when the frame has one (from the
 * scene's `frameImages` when it was just imported, else from `store`), else a PNG render. Throws a RangeError for a
 * frame the trajectory does not have, and an Error when a stored image is needed but no store is given.
 */
export function frameImageBytes(scene: Scene, frameIndex: number, store?: FrameImageStore, options: FrameImageOptions = {}): FrameImageBytes {
  const frame = scene.trajectory?.[frameIndex];
  if (!frame) throw new RangeError(`scene ${scene.id} has no trajectory frame ${frameIndex} (it has ${scene.trajectory?.length ?? 0})`);
  const hash = frame.imageBlob;
  if (hash !== undefined) {
    const owner = `frame ${frameIndex} of scene ${scene.id}`;
    let bytes = scene.frameImages?.get(hash);
    if (!bytes) {
      if (!store) throw new Error(`${owner} has a stored image (blob ${hash}); pass the store to read it`);
      bytes = store.blobs.read(hash, owner);
    }
    const header = readImageHeader(bytes);
    // Importers checked the image and the blob store checked its hash, so this is a bug, not bad input.
    if (typeof header === 'string') throw new Error(`image of ${owner} (blob ${hash}): ${header}`);
    return { mime: header.mime, bytes, width: header.width, height: header.height, origin: 'camera' };
  }
  const { width, height } = frameImageSize(frame.width, frame.height, options.renderSize);
  const img = renderFrame(scene, frame, { width, height, ...(options.renderSource ? { source: options.renderSource } : {}) });
  return { mime: 'image/png', bytes: encodePng(img.rgb, width, height), width, height, origin: 'render' };
}
