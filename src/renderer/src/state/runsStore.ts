/**
 * Runs: the list, the selected run's detail, live progress from `subscribe` events, start/stop/resume, and the
 * two-run comparison. Events update the store in place (no reloads); a finished round refreshes the
 * selected run's detail so the rounds table gains its row.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunDetail, RunSummary, WorkbenchApi } from '../../../shared/api.js';
import type { RoundSummary, LoopConfigInput, LoopEvent } from '../../../shared/loop.js';
import type { LoopStage, RunStatus } from '../../../shared/records.js';
import type { LiveProgress, LiveStage } from '../lib/runProgress.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

export interface LiveRun {
  status: RunStatus | null;
  message: string | null;
  /** Round whose stages are tracked below. */
  round: number | null;
  stage: LoopStage | null;
  stages: Partial<Record<LoopStage, LiveStage>>;
  progress: LiveProgress | null;
  summaries: RoundSummary[];
  logs: LogLine[];
}

export const EMPTY_LIVE: LiveRun = Object.freeze({
  status: null,
  message: null,
  round: null,
  stage: null,
  stages: {},
  progress: null,
  summaries: [],
  logs: [],
}) as LiveRun;

const MAX_LOGS = 200;

export interface RunsState {
  runs: RunSummary[] | null;
  loading: boolean;
  selectedId: string | null;
  detail: RunDetail | null;
  detailLoading: boolean;
  live: Record<string, LiveRun>;
  /** Up to two run ids chosen for comparison, and their details. */
  compareIds: string[];
  compareDetails: Record<string, RunDetail>;
  starting: boolean;
  /** Run ids with a stop/resume request in flight. */
  pending: Record<string, true>;
  refresh(): Promise<void>;
  select(runId: string | null): Promise<void>;
  reloadDetail(): Promise<void>;
  start(config: LoopConfigInput): Promise<string | null>;
  stop(runId: string): Promise<void>;
  /** `model`: the model trained on the export a run awaiting its next model is waiting with (registered first). */
  resume(runId: string, model?: string): Promise<void>;
  toggleCompare(runId: string): Promise<void>;
  handleEvent(event: LoopEvent): void;
}

export type RunsStore = StoreApi<RunsState>;

export interface RunsDeps {
  reportError(context: string, e: unknown): void;
  now?: () => number;
}

function upsertSummary(list: RoundSummary[], s: RoundSummary): RoundSummary[] {
  const out = list.filter((x) => x.round !== s.round);
  out.push(s);
  out.sort((a, b) => a.round - b.round);
  return out;
}

export function createRunsStore(api: WorkbenchApi, deps: RunsDeps): RunsStore {
  const now = deps.now ?? (() => Date.now());
  let detailToken = 0;
  let refreshQueued = false;

  return createStore<RunsState>()((set, get) => {
    const live = (runId: string): LiveRun => get().live[runId] ?? EMPTY_LIVE;
    const setLive = (runId: string, patch: Partial<LiveRun>): void => {
      set({ live: { ...get().live, [runId]: { ...live(runId), ...patch } } });
    };
    const patchRun = (runId: string, patch: (r: RunSummary) => RunSummary): boolean => {
      const runs = get().runs;
      if (!runs) return false;
      const i = runs.findIndex((r) => r.id === runId);
      if (i < 0) return false;
      const next = [...runs];
      next[i] = patch(runs[i]!);
      const detail = get().detail;
      set({ runs: next, ...(detail && detail.run.id === runId ? { detail: { ...detail, run: patch(detail.run) } } : {}) });
      return true;
    };
    const queueRefresh = (): void => {
      if (refreshQueued) return;
      refreshQueued = true;
      queueMicrotask(() => {
        refreshQueued = false;
        void get().refresh();
      });
    };

    return {
      runs: null,
      loading: false,
      selectedId: null,
      detail: null,
      detailLoading: false,
      live: {},
      compareIds: [],
      compareDetails: {},
      starting: false,
      pending: {},

      async refresh() {
        set({ loading: true });
        try {
          const runs = await api.listRuns();
          runs.sort((a, b) => b.createdAt - a.createdAt);
          set({ runs, loading: false });
        } catch (e) {
          set({ loading: false, runs: get().runs ?? [] });
          deps.reportError('Loading the runs', e);
        }
      },

      async select(runId) {
        if (runId === get().selectedId && (get().detail?.run.id === runId || get().detailLoading)) return;
        set({ selectedId: runId, detail: null });
        if (runId) await get().reloadDetail();
      },

      async reloadDetail() {
        const runId = get().selectedId;
        if (!runId) return;
        const token = ++detailToken;
        set({ detailLoading: true });
        try {
          const detail = await api.getRun(runId);
          if (token !== detailToken) return;
          set({ detail, detailLoading: false });
        } catch (e) {
          if (token !== detailToken) return;
          set({ detailLoading: false });
          deps.reportError(`Loading run ${runId}`, e);
        }
      },

      async start(config) {
        set({ starting: true });
        try {
          const { runId } = await api.startRun(config);
          set({ starting: false });
          await get().refresh();
          await get().select(runId);
          return runId;
        } catch (e) {
          set({ starting: false });
          deps.reportError('Starting a run', e);
          return null;
        }
      },

      async stop(runId) {
        set({ pending: { ...get().pending, [runId]: true } });
        try {
          await api.stopRun(runId);
          await get().refresh();
          if (get().selectedId === runId) await get().reloadDetail();
        } catch (e) {
          deps.reportError(`Stopping run ${runId}`, e);
        } finally {
          const { [runId]: _, ...rest } = get().pending;
          set({ pending: rest });
        }
      },

      async resume(runId, model) {
        set({ pending: { ...get().pending, [runId]: true } });
        try {
          await (model === undefined ? api.resumeRun(runId) : api.resumeRun(runId, model));
          await get().refresh();
          if (get().selectedId === runId) await get().reloadDetail();
        } catch (e) {
          deps.reportError(`Resuming run ${runId}`, e);
        } finally {
          const { [runId]: _, ...rest } = get().pending;
          set({ pending: rest });
        }
      },

      async toggleCompare(runId) {
        const ids = get().compareIds;
        if (ids.includes(runId)) {
          set({ compareIds: ids.filter((x) => x !== runId) });
          return;
        }
        // Keep the latest two choices.
        const next = [...ids, runId].slice(-2);
        set({ compareIds: next });
        try {
          const detail = await api.getRun(runId);
          set({ compareDetails: { ...get().compareDetails, [runId]: detail } });
        } catch (e) {
          deps.reportError(`Loading run ${runId} for comparison`, e);
          set({ compareIds: get().compareIds.filter((x) => x !== runId) });
        }
      },

      handleEvent(event) {
        const { runId } = event;
        switch (event.type) {
          case 'run': {
            const known = patchRun(runId, (r) => ({ ...r, status: event.status, error: event.status === 'failed' ? (event.message ?? r.error) : r.error }));
            const cur = live(runId);
            const logs = event.message
              ? [...cur.logs, { level: event.status === 'failed' ? ('error' as const) : ('info' as const), message: `${event.status}: ${event.message}`, at: now() }].slice(-MAX_LOGS)
              : cur.logs;
            const active = event.status === 'running' || event.status === 'queued';
            setLive(runId, { status: event.status, message: event.message ?? null, logs, ...(active ? {} : { progress: null }) });
            if (!known) queueRefresh();
            if (get().selectedId === runId && !active) void get().reloadDetail();
            break;
          }
          case 'stage': {
            const cur = live(runId);
            const sameRound = cur.round === event.round;
            const stages = sameRound ? { ...cur.stages } : {};
            const st: LiveStage = event.phase === 'start' ? { state: 'running' } : { state: 'done' };
            if (event.ms !== undefined) st.ms = event.ms;
            if (event.detail !== undefined) st.detail = event.detail;
            stages[event.stage] = st;
            // A stage that starts has no progress yet; one that ends keeps its last figures on show.
            const progress = sameRound && event.phase === 'end' ? cur.progress : null;
            setLive(runId, { round: event.round, stage: event.stage, stages, progress });
            break;
          }
          case 'progress': {
            const cur = live(runId);
            const p: LiveProgress = { stage: event.stage, done: event.done, total: event.total, unit: event.unit };
            if (event.perSecond !== undefined) p.perSecond = event.perSecond;
            const stages = cur.round === event.round ? cur.stages : {};
            const st = stages[event.stage];
            setLive(runId, {
              round: event.round,
              stage: event.stage,
              progress: p,
              stages: st ? stages : { ...stages, [event.stage]: { state: 'running' } },
            });
            break;
          }
          case 'round': {
            const s = event.summary;
            setLive(runId, { summaries: upsertSummary(live(runId).summaries, s) });
            const known = patchRun(runId, (r) => ({
              ...r,
              roundsDone: Math.max(r.roundsDone, s.round + 1),
              heldoutScore: s.heldout?.overall ?? r.heldoutScore,
            }));
            if (!known) queueRefresh();
            if (get().selectedId === runId) void get().reloadDetail();
            break;
          }
          case 'log': {
            const cur = live(runId);
            setLive(runId, { logs: [...cur.logs, { level: event.level, message: event.message, at: now() }].slice(-MAX_LOGS) });
            break;
          }
        }
      },
    };
  });
}
