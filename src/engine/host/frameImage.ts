/**
 * One trajectory frame as the scene view's filmstrip shows it: the camera's stored image when the source had one,
 * else a small rendering (PNG), and each object's box as the camera sees it, with the share of the box that is not
 * hidden by others, so the UI can tell "in view" from "behind the sofa". Boxes and fractions come from the same
 * projection and occlusion code the proposer's visibility filter uses, so what the user sees matches what the
 * questions were judged on.
 */
import type { FrameImage, ProjectedBox } from '../../shared/api.js';
import { InputError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { FRAME_RENDER_SIZE, frameImageBytes, type FrameImageStore } from '../perception/cameraImage.js';
import { pinholeCamera, projectBoxRect } from '../perception/projection.js';
import { createBoxOcclusion, type BoxOcclusion } from '../perception/visibility.js';

export { frameImageSize } from '../perception/cameraImage.js';

/** Longest side of the rendered image in pixels: a filmstrip thumbnail, cheap enough to render while scrubbing. */
export const FRAME_IMAGE_SIZE = FRAME_RENDER_SIZE;

/** `occlusion` is built once per scene by the caller (it samples every box's surface); `store` holds stored images. */
export function renderFrameImage(scene: Scene, frameIndex: number, occlusion: () => BoxOcclusion, store?: FrameImageStore): FrameImage {
  const frames = scene.trajectory ?? [];
  if (frames.length === 0) throw new InputError({ field: 'getFrameImage(frame)', message: `scene "${scene.id}" has no trajectory, so no frames to show` });
  const frame = frames[frameIndex];
  if (!frame) throw new InputError({ field: 'getFrameImage(frame)', message: `expected a frame from 0 to ${frames.length - 1} of scene "${scene.id}", found ${frameIndex}` });
  const img = frameImageBytes(scene, frameIndex, store, { renderSize: FRAME_IMAGE_SIZE });
  const { width, height } = img;
  const boxes: ProjectedBox[] = [];
  // A synthesised pose beside a real image (video frames attached by index) would draw boxes where nothing is.
  const posesDescribeImage = img.origin === 'render' || !scene.provenance.synthesised.includes('trajectory');
  if (posesDescribeImage) {
    const cam = pinholeCamera(frame, width, height);
    const occ = occlusion();
    occ.setFrame(frame);
    scene.objects.forEach((o, i) => {
      const rect = projectBoxRect(o.box, cam);
      if (!rect) return;
      boxes.push({ objectId: o.id, label: o.label, box: rect, visibleFraction: occ.visibleFraction(i) });
    });
  }
  return { sceneId: scene.id, frame: frameIndex, width, height, image: img.bytes, mime: img.mime, origin: img.origin, boxes };
}

export function sceneOcclusion(scene: Scene): BoxOcclusion {
  return createBoxOcclusion(scene.objects.map((o) => o.box));
}
