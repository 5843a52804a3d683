/** Per-scene preparation shared by every round: visibility, the program data, the host API and noise. */
import type { Scene } from '../../shared/scene.js';
import { computeVisibility } from '../perception/visibility.js';
import type { NoiseReport, NoiseThresholds } from './filters/noise.js';
import { assessNoise, DEFAULT_NOISE } from './filters/noise.js';
import type { OutcomeMemo } from './outcomes.js';
import { buildProgramData } from './program/programData.js';
import { createSceneApi, withDistanceTable, withFreeSpace } from './program/sceneApi.js';
import type { ProgramSceneData, RouteMemo, SceneApi } from './program/types.js';

export interface PreparedScene {
  scene: Scene;
  /** What programs see, with the distance table and the default free-space grid filled in. */
  data: ProgramSceneData;
  /** The same API on the host, for drafting and filters. */
  api: SceneApi;
  noise: NoiseReport;
  /** The host API's route walks and walker cells so far: sent with `data` to the sandbox (`sandboxData`), which then need not search them. */
  routes: RouteMemo;
  /** Outcomes of the programs run on this scene so far, by source and args: each runs once (outcomes.ts). */
  outcomes: OutcomeMemo;
}

/** The data a sandboxed program of this scene runs on: `data` plus the walks and walker cells the host has found. */
export function sandboxData(prepared: PreparedScene): ProgramSceneData {
  const { walks, stands } = prepared.routes;
  if (walks.size === 0 && stands.size === 0) return prepared.data;
  return { ...prepared.data, walks: Object.fromEntries(walks), stands: Object.fromEntries(stands) };
}

export interface PrepareOptions {
  /** Visible fraction at which an object counts as seen in a frame. */
  minVisibleFraction?: number;
  /** Frames of the trajectory the questions may refer to (evenly subsampled). */
  maxFrames?: number;
  noise?: NoiseThresholds;
}

export function prepareScene(scene: Scene, options: PrepareOptions = {}): PreparedScene {
  const visibility = computeVisibility(scene, {
    ...(options.minVisibleFraction !== undefined ? { minFraction: options.minVisibleFraction } : {}),
    ...(options.maxFrames !== undefined ? { maxFrames: options.maxFrames } : {}),
  });
  const data = withFreeSpace(withDistanceTable(buildProgramData(scene, visibility)));
  const routes: RouteMemo = { walks: new Map(), stands: new Map() };
  const api = createSceneApi(data, routes);
  return { scene, data, api, noise: assessNoise(api, options.noise ?? DEFAULT_NOISE), routes, outcomes: new Map() };
}
