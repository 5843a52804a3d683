/**
 * One trajectory frame as the scene view's filmstrip shows it: a small rendering (PNG) and each object's box as
 * the camera sees it, with the share of the box that is not hidden by others, so the UI can tell "in view"
 * from "behind the sofa". Boxes and fractions come from the same projection and occlusion code the proposer's
 * visibility filter uses, so what the user sees matches what the questions were judged on.
 */
import type { FrameImage, ProjectedBox } from '../../shared/api.js';
import { InputError } from '../../shared/errors.js';
import type { Scene } from '../../shared/scene.js';
import { encodePng } from '../perception/png.js';
import { pinholeCamera, projectBoxRect } from '../perception/projection.js';
import { renderFrame } from '../perception/render.js';
import { createBoxOcclusion, type BoxOcclusion } from '../perception/visibility.js';

/** Longest side of the rendered image in pixels: a filmstrip thumbnail, cheap enough to render while scrubbing. */
export const FRAME_IMAGE_SIZE = 320;

export function frameImageSize(frameWidth: number, frameHeight: number, longest = FRAME_IMAGE_SIZE): { width: number; height: number } {
  const s = longest / Math.max(frameWidth, frameHeight);
  return { width: Math.max(1, Math.round(frameWidth * s)), height: Math.max(1, Math.round(frameHeight * s)) };
}

/** `occlusion` is built once per scene by the caller (it samples every box's surface). */
export function renderFrameImage(scene: Scene, frameIndex: number, occlusion: () => BoxOcclusion): FrameImage {
  const frames = scene.trajectory ?? [];
  if (frames.length === 0) throw new InputError({ field: 'getFrameImage(frame)', message: `scene "${scene.id}" has no trajectory, so no frames to show` });
  const frame = frames[frameIndex];
  if (!frame) throw new InputError({ field: 'getFrameImage(frame)', message: `expected a frame from 0 to ${frames.length - 1} of scene "${scene.id}", found ${frameIndex}` });
  const { width, height } = frameImageSize(frame.width, frame.height);
  const image = renderFrame(scene, frame, { width, height });
  const cam = pinholeCamera(frame, width, height);
  const occ = occlusion();
  occ.setFrame(frame);
  const boxes: ProjectedBox[] = [];
  scene.objects.forEach((o, i) => {
    const rect = projectBoxRect(o.box, cam);
    if (!rect) return;
    boxes.push({ objectId: o.id, label: o.label, box: rect, visibleFraction: occ.visibleFraction(i) });
  });
  return { sceneId: scene.id, frame: frameIndex, width, height, png: encodePng(image.rgb, width, height), boxes };
}

export function sceneOcclusion(scene: Scene): BoxOcclusion {
  return createBoxOcclusion(scene.objects.map((o) => o.box));
}
