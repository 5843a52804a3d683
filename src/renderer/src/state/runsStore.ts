/**
 * Runs: the list (its sort and tags filter), the selected run's detail, live progress from `subscribe` events,
 * start/stop/resume, rename / tags / notes, clone (a draft the start form takes up), delete after a confirmation,
 * and the two-run comparison. Events update the store in place; a stage or round that ends refreshes the selected
 * run's detail, so its rounds table has the counts and figures the store has just committed.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RunDetail, RunPatch, RunSummary, WorkbenchApi } from '../../../shared/api.js';
import type { RoundSummary, LoopConfig, LoopConfigInput, LoopEvent } from '../../../shared/loop.js';
import type { LoopStage, RunStatus } from '../../../shared/records.js';
import { DEFAULT_RUN_SORT, nextSort, type RunSort, type RunSortKey } from '../lib/runList.js';
import type { LiveProgress, LiveStage } from '../lib/runProgress.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

export interface LiveRun {
  status: RunStatus | null;
  message: string | null;
  /** Round whose stages are tracked below; −1 while the run sets up (its held-out benchmark). */
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

/** Settings the start form takes up: a clone of `fromRunId`. `seq` tells two clones of the same run apart. */
export interface RunDraft {
  config: LoopConfig;
  fromRunId: string;
  seq: number;
}

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
  /** The run a third tick let go of (the side-by-side shows two): said on screen, never silent. */
  compareReplaced: string | null;
  starting: boolean;
  /** Run ids with a stop/resume/update/delete request in flight. */
  pending: Record<string, true>;
  sort: RunSort;
  /** The list shows the runs carrying every one of these tags. */
  tagFilter: string[];
  draft: RunDraft | null;
  /**
   * The start form's values as the user left them (field key → text), null for the host's defaults. Here rather than
   * in the form, so edits survive switching views; cleared when the run starts.
   */
  startFormEdits: Record<string, string> | null;
  setStartFormEdits(values: Record<string, string> | null): void;
  /** The run whose deletion waits for the user's confirmation. */
  confirmDeleteId: string | null;
  refresh(): Promise<void>;
  select(runId: string | null): Promise<void>;
  reloadDetail(): Promise<void>;
  start(config: LoopConfigInput): Promise<string | null>;
  stop(runId: string): Promise<void>;
  /** `model`: the model trained on the export a run awaiting its next model is waiting with (registered first). */
  resume(runId: string, model?: string): Promise<void>;
  toggleCompare(runId: string): Promise<void>;
  /** Renames, retags or annotates a run; true when the host took it. */
  update(runId: string, patch: RunPatch): Promise<boolean>;
  /** Reads the run's settings into `draft` for the start form, named "<name> (copy)". */
  clone(runId: string): Promise<void>;
  clearDraft(): void;
  /** Asks for (or, with null, withdraws) the confirmation `remove` needs. */
  askDelete(runId: string | null): void;
  remove(runId: string): Promise<boolean>;
  setSort(key: RunSortKey): void;
  toggleTagFilter(tag: string): void;
  handleEvent(event: LoopEvent): void;
}

export type RunsStore = StoreApi<RunsState>;

export interface RunsDeps {
  reportError(context: string, e: unknown): void;
  now?: () => number;
  /** A run was deleted: other stores drop what they held of it. */
  onDeleted?: (runId: string) => void;
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
  let draftSeq = 0;

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
    const withPending = async <T>(runId: string, fn: () => Promise<T>): Promise<T> => {
      set({ pending: { ...get().pending, [runId]: true } });
      try {
        return await fn();
      } finally {
        const { [runId]: _, ...rest } = get().pending;
        set({ pending: rest });
      }
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
      compareReplaced: null,
      compareDetails: {},
      starting: false,
      pending: {},
      sort: DEFAULT_RUN_SORT,
      tagFilter: [],
      draft: null,
      startFormEdits: null,
      confirmDeleteId: null,

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
          set({ compareIds: ids.filter((x) => x !== runId), compareReplaced: null });
          return;
        }
        // Keep the latest two choices, and say which one a third tick let go of.
        const next = [...ids, runId].slice(-2);
        set({ compareIds: next, compareReplaced: ids.length >= 2 ? ids[0]! : null });
        try {
          const detail = await api.getRun(runId);
          set({ compareDetails: { ...get().compareDetails, [runId]: detail } });
        } catch (e) {
          deps.reportError(`Loading run ${runId} for comparison`, e);
          set({ compareIds: get().compareIds.filter((x) => x !== runId) });
        }
      },

      async update(runId, patch) {
        return withPending(runId, async () => {
          try {
            const summary = await api.updateRun(runId, patch);
            patchRun(runId, (r) => ({ ...r, name: summary.name, tags: summary.tags, notes: summary.notes }));
            const c = get().compareDetails[runId];
            if (c) set({ compareDetails: { ...get().compareDetails, [runId]: { ...c, run: { ...c.run, name: summary.name, tags: summary.tags, notes: summary.notes } } } });
            return true;
          } catch (e) {
            deps.reportError(`Changing run ${runId}`, e);
            return false;
          }
        });
      },

      async clone(runId) {
        try {
          const config = await api.getRunConfig(runId);
          const name = get().runs?.find((r) => r.id === runId)?.name ?? config.name;
          set({ draft: { config: { ...config, name: `${name} (copy)` }, fromRunId: runId, seq: ++draftSeq } });
        } catch (e) {
          deps.reportError(`Cloning run ${runId}`, e);
        }
      },

      clearDraft() {
        set({ draft: null });
      },

      setStartFormEdits(values) {
        set({ startFormEdits: values });
      },

      askDelete(runId) {
        set({ confirmDeleteId: runId });
      },

      async remove(runId) {
        return withPending(runId, async () => {
          try {
            await api.deleteRun(runId);
          } catch (e) {
            deps.reportError(`Deleting run ${runId}`, e);
            return false;
          }
          const { [runId]: _live, ...restLive } = get().live;
          const { [runId]: _detail, ...restCompare } = get().compareDetails;
          const selected = get().selectedId === runId;
          if (selected) detailToken++;
          set({
            runs: get().runs?.filter((r) => r.id !== runId) ?? null,
            live: restLive,
            compareIds: get().compareIds.filter((x) => x !== runId),
            compareDetails: restCompare,
            confirmDeleteId: get().confirmDeleteId === runId ? null : get().confirmDeleteId,
            ...(selected ? { selectedId: null, detail: null, detailLoading: false } : {}),
          });
          deps.onDeleted?.(runId);
          return true;
        });
      },

      setSort(key) {
        set({ sort: nextSort(get().sort, key) });
      },

      toggleTagFilter(tag) {
        const tags = get().tagFilter;
        set({ tagFilter: tags.includes(tag) ? tags.filter((t) => t !== tag) : [...tags, tag] });
      },

      handleEvent(event) {
        const { runId } = event;
        switch (event.type) {
          case 'run': {
            const known = patchRun(runId, (r) => ({
              ...r,
              status: event.status,
              error: event.status === 'failed' ? (event.message ?? r.error) : r.error,
              ...(event.status === 'running' ? {} : { roundStartedAt: null }),
            }));
            const cur = live(runId);
            const logs = event.message
              ? [...cur.logs, { level: event.status === 'failed' ? ('error' as const) : ('info' as const), message: `${event.status}: ${event.message}`, at: now() }].slice(-MAX_LOGS)
              : cur.logs;
            const active = event.status === 'running' || event.status === 'queued';
            // A stopped run has no stage under way: the strip must not keep one running.
            const stages = active ? cur.stages : Object.fromEntries(Object.entries(cur.stages).filter(([, st]) => st.state !== 'running'));
            setLive(runId, { status: event.status, message: event.message ?? null, logs, ...(active ? {} : { progress: null, stages }) });
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
            if (event.round >= 0) {
              // The round's clock, for the elapsed time, until the list is read again. A page opened mid-round (no
              // round tracked yet) keeps the start the store has.
              if (!sameRound) patchRun(runId, (r) => (cur.round !== null || r.roundStartedAt === null ? { ...r, roundStartedAt: now() } : r));
              // What the stage committed (counts, loss) is in the store now.
              if (event.phase === 'end' && get().selectedId === runId) void get().reloadDetail();
            }
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
              roundMs: r.roundMs.length <= s.round ? [...r.roundMs, s.ms] : r.roundMs,
              roundStartedAt: null,
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
