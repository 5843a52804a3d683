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
