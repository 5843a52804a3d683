/**
 * The scene viewer's state: which scene, its detail and point cloud (subsampled to a budget), colour mode,
 * highlighted/selected objects, the trajectory frame being shown with its image, and per-object solver
 * confidence for a run. Frame images become blob URLs through injected functions so tests need no DOM.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { FrameImage, ObjectConfidence, PointCloudData, ProjectedBox, SceneDetail, WorkbenchApi } from '../../../shared/api.js';
import { MAX_POINT_BUDGET } from '../../../shared/apiValidation.js';
import type { SceneSummary } from '../../../shared/scene.js';
import type { ColorMode } from '../lib/colorMode.js';
import { explainNoConfidence, type NoConfidence } from '../lib/confidenceEmpty.js';

export const DEFAULT_BUDGET = 1_500_000;
export const MIN_BUDGET = 10_000;
/** The host's limit per getScenePoints call. */
export const MAX_BUDGET = MAX_POINT_BUDGET;
const FRAME_CACHE = 48;

export interface LoadedFrame {
  sceneId: string;
  frame: number;
  url: string;
  width: number;
  height: number;
  origin: FrameImage['origin'];
  boxes: ProjectedBox[];
}

export interface SceneState {
  scenes: SceneSummary[] | null;
  scenesLoading: boolean;
  sceneId: string | null;
  detail: SceneDetail | null;
  detailLoading: boolean;
  points: PointCloudData | null;
  pointsLoading: boolean;
  /** Milliseconds the last point request took. */
  pointsMs: number | null;
  budget: number;
  colorMode: ColorMode;
  highlight: number[];
  selectedObject: number | null;
  frame: number;
  playing: boolean;
  frameImage: LoadedFrame | null;
  frameLoading: boolean;
  confidenceRunId: string | null;
  /** By object id; objects no answered question names are absent. */
  objectConfidence: Map<number, ObjectConfidence> | null;
  confidenceLoading: boolean;
  /** Questions answered in the run for this scene that name its objects (for the legend). */
  confidenceQuestions: number;
  /** When the run answered none: why (held out, not in the run, none yet), from the run's split. */
  noConfidence: NoConfidence | null;

  loadScenes(): Promise<void>;
  open(sceneId: string, opts?: { objects?: number[]; frame?: number }): Promise<void>;
  setBudget(budget: number): Promise<void>;
  setColorMode(mode: ColorMode): void;
  setHighlight(ids: number[]): void;
  selectObject(id: number | null): void;
  setFrame(frame: number): Promise<void>;
  setPlaying(playing: boolean): void;
  /** Advances one frame (wrapping); used by the play timer. */
  step(): Promise<void>;
  /** One host call (`sceneObjectConfidence`) for the open scene and the run. */
  computeConfidence(runId: string | null): Promise<void>;
  /** Chooses the run whose confidences colour the objects (computed now in confidence mode, else on demand). */
  setConfidenceRun(runId: string | null): Promise<void>;
  /** Releases blob URLs (on unmount). */
  dispose(): void;
}

export type SceneStore = StoreApi<SceneState>;

export interface SceneDeps {
  reportError(context: string, e: unknown): void;
  makeImageUrl?: (image: Uint8Array, mime: FrameImage['mime']) => string;
  revokeImageUrl?: (url: string) => void;
}

function defaultMakeUrl(image: Uint8Array, mime: FrameImage['mime']): string {
  return URL.createObjectURL(new Blob([image as Uint8Array<ArrayBuffer>], { type: mime }));
}

function defaultRevoke(url: string): void {
  URL.revokeObjectURL(url);
}

export function clampBudget(n: number): number {
  if (!Number.isFinite(n)) return DEFAULT_BUDGET;
  return Math.round(Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, n)));
}

export function createSceneStore(api: WorkbenchApi, deps: SceneDeps): SceneStore {
  const makeUrl = deps.makeImageUrl ?? defaultMakeUrl;
  const revoke = deps.revokeImageUrl ?? defaultRevoke;
  const frames = new Map<number, LoadedFrame>();
  let openToken = 0;
  let pointsToken = 0;
  let frameToken = 0;
  let confidenceToken = 0;

  const clearFrames = (): void => {
    for (const f of frames.values()) revoke(f.url);
    frames.clear();
  };

  return createStore<SceneState>()((set, get) => {
    const loadPoints = async (sceneId: string, budget: number): Promise<void> => {
      const token = ++pointsToken;
      set({ pointsLoading: true });
      const t0 = performance.now();
      try {
        const points = await api.getScenePoints(sceneId, budget);
        if (token !== pointsToken || get().sceneId !== sceneId) return;
        set({ points, pointsLoading: false, pointsMs: performance.now() - t0 });
      } catch (e) {
        if (token !== pointsToken) return;
        set({ pointsLoading: false });
        deps.reportError(`Loading the point cloud of ${sceneId}`, e);
      }
    };

    return {
      scenes: null,
      scenesLoading: false,
      sceneId: null,
      detail: null,
      detailLoading: false,
      points: null,
      pointsLoading: false,
      pointsMs: null,
      budget: DEFAULT_BUDGET,
      colorMode: 'rgb',
      highlight: [],
      selectedObject: null,
      frame: 0,
      playing: false,
      frameImage: null,
      frameLoading: false,
      confidenceRunId: null,
      objectConfidence: null,
      confidenceLoading: false,
      confidenceQuestions: 0,
      noConfidence: null,

      async loadScenes() {
        set({ scenesLoading: true });
        try {
          const scenes = await api.listScenes({ limit: 5000 });
          set({ scenes, scenesLoading: false });
        } catch (e) {
          set({ scenesLoading: false, scenes: get().scenes ?? [] });
          deps.reportError('Loading the scene list', e);
        }
      },

      async open(sceneId, opts = {}) {
        const same = sceneId === get().sceneId && (get().detail !== null || get().detailLoading);
        if (same) {
          if (opts.objects) set({ highlight: opts.objects });
          if (opts.frame !== undefined && opts.frame !== get().frame) await get().setFrame(opts.frame);
          return;
        }
        const token = ++openToken;
        confidenceToken++; // another scene's confidences must not land on this one
        clearFrames();
        set({
          sceneId,
          detail: null,
          detailLoading: true,
          points: null,
          highlight: opts.objects ?? [],
          selectedObject: null,
          frame: opts.frame ?? 0,
          playing: false,
          frameImage: null,
          objectConfidence: null,
          confidenceLoading: false,
          confidenceQuestions: 0,
          noConfidence: null,
        });
        const pointsDone = loadPoints(sceneId, get().budget);
        try {
          const detail = await api.getScene(sceneId);
          if (token !== openToken) return;
          const frame = Math.min(get().frame, Math.max(0, detail.trajectory.length - 1));
          set({ detail, detailLoading: false, frame });
          const work: Promise<void>[] = [pointsDone];
          if (detail.trajectory.length > 0) work.push(get().setFrame(frame));
          const runId = get().confidenceRunId;
          if (runId && get().colorMode === 'confidence') work.push(get().computeConfidence(runId));
          await Promise.all(work);
        } catch (e) {
          if (token !== openToken) return;
          set({ detailLoading: false });
          deps.reportError(`Loading scene ${sceneId}`, e);
          await pointsDone;
        }
      },

      async setBudget(budget) {
        const b = clampBudget(budget);
        if (b === get().budget && get().points) return;
        set({ budget: b });
        const id = get().sceneId;
        if (id) await loadPoints(id, b);
      },

      setColorMode(colorMode) {
        set({ colorMode });
        if (colorMode === 'confidence' && !get().objectConfidence && !get().confidenceLoading && get().confidenceRunId) void get().computeConfidence(get().confidenceRunId);
      },

      setHighlight(highlight) {
        set({ highlight });
      },

      selectObject(selectedObject) {
        set({ selectedObject });
      },

      async setFrame(frame) {
        const { detail, sceneId } = get();
        if (!detail || !sceneId) {
          set({ frame });
          return;
        }
        const n = detail.trajectory.length;
        if (n === 0) return;
        const f = Math.max(0, Math.min(n - 1, Math.round(frame)));
        set({ frame: f });
        const cached = frames.get(f);
        if (cached) {
          frames.delete(f);
          frames.set(f, cached); // most recently used last
          set({ frameImage: cached, frameLoading: false });
          return;
        }
        const token = ++frameToken;
        set({ frameLoading: true });
        try {
          const img = await api.getFrameImage(sceneId, f);
          if (get().sceneId !== sceneId) return;
          const loaded: LoadedFrame = { sceneId, frame: f, url: makeUrl(img.image, img.mime), width: img.width, height: img.height, origin: img.origin, boxes: img.boxes };
          frames.set(f, loaded);
          while (frames.size > FRAME_CACHE) {
            const oldest = frames.keys().next().value as number;
            const old = frames.get(oldest)!;
            frames.delete(oldest);
            if (get().frameImage?.url !== old.url) revoke(old.url);
          }
          if (token === frameToken) set({ frameImage: loaded, frameLoading: false });
        } catch (e) {
          if (token !== frameToken) return;
          set({ frameLoading: false, playing: false });
          deps.reportError(`Loading frame ${f} of ${sceneId}`, e);
        }
      },

      setPlaying(playing) {
        set({ playing });
      },

      async step() {
        const n = get().detail?.trajectory.length ?? 0;
        if (n === 0) return;
        await get().setFrame((get().frame + 1) % n);
      },

      async computeConfidence(runId) {
        const token = ++confidenceToken;
        set({ confidenceRunId: runId, objectConfidence: null, confidenceQuestions: 0, noConfidence: null });
        const sceneId = get().sceneId;
        if (!runId || !sceneId) {
          set({ confidenceLoading: false });
          return;
        }
        const stale = (): boolean => token !== confidenceToken || get().sceneId !== sceneId;
        set({ confidenceLoading: true });
        try {
          const result = await api.sceneObjectConfidence(sceneId, runId);
          if (stale()) return;
          set({ objectConfidence: new Map(result.objects.map((o) => [o.objectId, o])), confidenceQuestions: result.questions, confidenceLoading: false });
          // Only an empty answer costs a second call: the run's split says why it is empty.
          if (result.questions > 0) return;
          const run = await api.getRun(runId);
          if (stale()) return;
          set({ noConfidence: explainNoConfidence(sceneId, run) });
        } catch (e) {
          if (stale()) return;
          set({ confidenceLoading: false });
          deps.reportError(`Computing per-object confidence of run ${runId}`, e);
        }
      },

      async setConfidenceRun(runId) {
        if (runId === get().confidenceRunId && (get().objectConfidence || get().confidenceLoading)) return;
        set({ confidenceRunId: runId, objectConfidence: null, confidenceQuestions: 0, noConfidence: null });
        if (get().colorMode === 'confidence') await get().computeConfidence(runId);
      },

      dispose() {
        clearFrames();
        set({ frameImage: null });
      },
    };
  });
}
