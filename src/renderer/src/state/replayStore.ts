/**
 * The replay: one run, one of its training scenes, and the round the slider is on. Opening loads the run's detail,
 * the scene, its points and the scene's per-object confidence after every round (one call), so stepping through
 * rounds is pure state: no request while the presenter scrubs.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PointCloudData, SceneDetail, WorkbenchApi } from '../../../shared/api.js';
import { buildReplay, nextRound, type Replay } from '../lib/replay.js';

/** Points drawn in the replay: enough for the room's shape, few enough to stay fluent on a software renderer. */
export const REPLAY_POINTS = 150_000;

export interface ReplayState {
  runId: string | null;
  sceneId: string | null;
  /** The run's training scenes, in split order: what the scene picker offers. */
  scenes: string[];
  replay: Replay | null;
  scene: SceneDetail | null;
  points: PointCloudData | null;
  round: number;
  playing: boolean;
  loading: boolean;
  /** Loads a run's replay on `sceneId` (default: its first training scene), at `round` (default: its first). */
  open(runId: string, sceneId?: string, round?: number): Promise<void>;
  setRound(round: number): void;
  /** One round on (+1) or back (−1), within the run's rounds. */
  step(direction: 1 | -1): void;
  setPlaying(playing: boolean): void;
  /** Playback's tick: the next round, or stop at the last. */
  advance(): void;
}

export type ReplayStore = StoreApi<ReplayState>;

export interface ReplayDeps {
  reportError(context: string, e: unknown): void;
}

export function createReplayStore(api: WorkbenchApi, deps: ReplayDeps): ReplayStore {
  let token = 0;
  return createStore<ReplayState>()((set, get) => ({
    runId: null,
    sceneId: null,
    scenes: [],
    replay: null,
    scene: null,
    points: null,
    round: 0,
    playing: false,
    loading: false,
    async open(runId, sceneId, round) {
      const t = ++token;
      set({ runId, loading: true, playing: false });
      try {
        const detail = await api.getRun(runId);
        if (t !== token) return;
        const scenes = detail.split.filter((s) => s.split === 'train').map((s) => s.sceneId);
        const chosen = sceneId !== undefined && scenes.includes(sceneId) ? sceneId : (scenes[0] ?? null);
        if (chosen === null) {
          set({ scenes, sceneId: null, replay: buildReplay(detail, null), scene: null, points: null, round: detail.rounds[0]?.round ?? 0, loading: false });
          return;
        }
        const [confidence, scene, points] = await Promise.all([api.sceneConfidenceByRound(chosen, runId), api.getScene(chosen), api.getScenePoints(chosen, REPLAY_POINTS)]);
        if (t !== token) return;
        const replay = buildReplay(detail, confidence);
        // A replay opens at the start (the demo is the growth from there), or at the round an address names, in the same
        // update as the data: no moment shows the data at another round.
        const start = round !== undefined && replay.frames.some((f) => f.round === round) ? round : (replay.frames[0]?.round ?? 0);
        set({ scenes, sceneId: chosen, replay, scene, points, round: start, loading: false });
      } catch (e) {
        if (t !== token) return;
        set({ loading: false });
        deps.reportError('Replay', e);
      }
    },
    setRound(round) {
      const replay = get().replay;
      if (!replay || !replay.frames.some((f) => f.round === round)) return;
      set({ round });
    },
    step(direction) {
      const { replay, round } = get();
      if (!replay) return;
      const i = replay.frames.findIndex((f) => f.round === round);
      const next = replay.frames[Math.max(0, Math.min(replay.frames.length - 1, i + direction))];
      if (next) set({ round: next.round, playing: false });
    },
    setPlaying(playing) {
      const { replay, round } = get();
      if (!replay || replay.frames.length === 0) return;
      // Play from the end starts over: what a presenter pressing play again expects.
      if (playing && nextRound(replay, round) === null) set({ round: replay.frames[0]!.round });
      set({ playing });
    },
    advance() {
      const { replay, round, playing } = get();
      if (!replay || !playing) return;
      const next = nextRound(replay, round);
      set(next === null ? { playing: false } : { round: next });
    },
  }));
}
