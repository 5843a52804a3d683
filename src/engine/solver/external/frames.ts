/** The frames an endpoint model is shown of a scene, for the loop and for `exchange eval-questions` alike. */
import type { Scene } from '../../../shared/scene.js';
import { frameImageBytes, type FrameImageStore } from '../../perception/cameraImage.js';
import { uniformFrameIndices, type FrameImage } from './endpointSolver.js';

/** Longest side of a rendered frame sent to a model: VSI-Bench's videos are 640 × 480. */
export const ENDPOINT_FRAME_SIZE = 640;

/**
 * `count` frames spread along the scene's trajectory: the camera's own images where the source had them
 * (ScanNet, ARKitScenes, videos), renders otherwise (synthetic scenes).
 */
export function sceneFrames(scene: Scene, count: number, store: FrameImageStore): FrameImage[] {
  return uniformFrameIndices(scene.trajectory?.length ?? 0, count).map((i) => {
    const f = frameImageBytes(scene, i, store, { renderSize: ENDPOINT_FRAME_SIZE });
    return { mime: f.mime, bytes: f.bytes };
  });
}

/** Frames per scene for an endpoint solver, each scene's read or rendered once however many questions ask about it. */
export function sceneFrameSource(sceneOf: (sceneId: string) => Scene, count: number, store: FrameImageStore): (sceneId: string) => FrameImage[] {
  const made = new Map<string, FrameImage[]>();
  return (sceneId) => {
    let f = made.get(sceneId);
    if (!f) made.set(sceneId, (f = sceneFrames(sceneOf(sceneId), count, store)));
    return f;
  };
}
