/**
 * What the solver perceives along a scene's trajectory: per-frame detections such as a 2D detector with a
 * depth estimator would report, degraded by a seeded noise model. Never ground-truth 3D boxes, never the
 * quantities that derive an answer: counting needs de-duplication across frames, distances and sizes need
 * lifting from 2D + depth, directions need a frame of reference.
 */
import type { Intrinsics, Mat4 } from './scene.js';

export interface Detection {
  /** Detected class (may be confused with another label by the noise model). */
  label: string;
  /** Image-space box [x0, y0, x1, y1] in pixels, jittered. */
  box: [number, number, number, number];
  /** Estimated depth (m) of the object's visible part along the optical axis, with noise. */
  depth: number;
  /** Estimated share of the object visible in this frame (0…1). */
  visibleFraction: number;
  /** Detector score (0…1). */
  score: number;
}

export interface FrameObservation {
  /** Index into the scene's trajectory. */
  frame: number;
  timestamp: number;
  /** Camera → world pose as the video's ego-motion (absent when the configuration withholds it). */
  egoPose?: Mat4;
  intrinsics: Intrinsics;
  width: number;
  height: number;
  detections: Detection[];
}

export interface PerceptionNoise {
  /** Relative standard deviation of depth estimates (default 0.05). */
  depthRelStd: number;
  /** Probability that a visible object is missed in a frame (default 0.1). */
  missRate: number;
  /** Probability that a detection's label is swapped for a similar one (default 0.03). */
  labelConfusion: number;
  /** Box corner jitter as a fraction of box size (default 0.05). */
  boxJitter: number;
  /** Visible fraction below which an object is never detected (default 0.1). */
  minVisibleFraction: number;
}

export interface PerceptionConfig {
  /** Frames sampled evenly from the trajectory (default 32). */
  frames: number;
  /** Whether the camera pose is given (ego-motion); default true. */
  egoMotion: boolean;
  noise: PerceptionNoise;
  seed: number;
}

export interface Observation {
  sceneId: string;
  config: PerceptionConfig;
  frames: FrameObservation[];
}

export const DEFAULT_PERCEPTION_NOISE: PerceptionNoise = {
  depthRelStd: 0.05,
  missRate: 0.1,
  labelConfusion: 0.03,
  boxJitter: 0.05,
  minVisibleFraction: 0.1,
};

export function defaultPerceptionConfig(seed = 0): PerceptionConfig {
  return { frames: 32, egoMotion: true, noise: { ...DEFAULT_PERCEPTION_NOISE }, seed };
}
