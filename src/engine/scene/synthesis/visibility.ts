/**
 * Cheap view tests: whether a point projects into a frame's image. No occlusion (the perception module does
 * that properly); good enough to aim a synthesised camera and to measure how much of a scene a walk covers.
 */
import type { CameraFrame, SceneObject, Vec3 } from '../../../shared/scene.js';

/** Pixel coordinates and depth of a world point in a frame, or undefined when it is behind the camera. */
export function projectToFrame(frame: CameraFrame, p: Vec3, minDepth = 0.05): { u: number; v: number; depth: number } | undefined {
  const m = frame.pose;
  const dx = p[0] - m[3];
  const dy = p[1] - m[7];
  const dz = p[2] - m[11];
  // Camera coordinates are Rᵀ·(p − t); the rotation's columns are the camera axes in world.
  const x = m[0] * dx + m[4] * dy + m[8] * dz;
  const y = m[1] * dx + m[5] * dy + m[9] * dz;
  const z = m[2] * dx + m[6] * dy + m[10] * dz;
  if (z < minDepth) return undefined;
  const k = frame.intrinsics;
  return { u: k.fx * (x / z) + k.cx, v: k.fy * (y / z) + k.cy, depth: z };
}

/** Whether p is in front of the camera and inside the image, `marginPx` in from its border. */
export function pointInView(frame: CameraFrame, p: Vec3, marginPx = 0): boolean {
  const q = projectToFrame(frame, p);
  return q !== undefined && q.u >= marginPx && q.u <= frame.width - marginPx && q.v >= marginPx && q.v <= frame.height - marginPx;
}

/** Share of objects whose centre is in view in at least one frame (1 for a scene without objects). */
export function visibleFraction(scene: { objects: readonly SceneObject[] }, frames: readonly CameraFrame[]): number {
  if (scene.objects.length === 0) return 1;
  let seen = 0;
  for (const o of scene.objects) if (frames.some((f) => pointInView(f, o.box.center))) seen++;
  return seen / scene.objects.length;
}
