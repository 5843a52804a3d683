/**
 * Live updates for runs other processes write (a CLI run, a second workbench), and for every run when this host
 * is read-only: the loop's events never reach this process then, so they are synthesised from the store.
 * Every tick asks SQLite's `data_version`, which changes exactly when another connection committed; only
 * then are the runs and the running runs' rounds read and compared with the last snapshot. Runs this host
 * executes are tracked silently (their real events are already flowing).
 *
 * A round's stored `stage` is the last stage it committed (each stage commits with its results), so a change from
 * one stored stage to the next means the stages in between ended and, while the round runs, the one after started:
 * the events say so, as the loop's own do, and a view never shows a finished stage as the one under way.
 */
import type { LoopEvent } from '../../shared/loop.js';
import type { RoundRecord, LoopStage } from '../../shared/records.js';
import { LOOP_STAGES } from '../../shared/records.js';
import { listRounds } from '../store/rounds.js';
import { listRunStates, type RunState } from '../store/runs.js';
import { dataVersion, type Store } from '../store/store.js';
import { summarizeRound } from '../loop/metrics.js';

export const WATCH_INTERVAL_MS = 1000;

export interface RunWatcherOptions {
  store: () => Store | undefined;
  isLocal: (runId: string) => boolean;
  emit: (event: LoopEvent) => void;
  intervalMs?: number;
}

interface RoundState {
  status: RoundRecord['status'];
  stage: LoopStage | null;
}

export class RunWatcher {
  private timer: ReturnType<typeof setInterval> | undefined;
  private dataVersion: number | undefined;
  private runs = new Map<string, Pick<RunState, 'status' | 'updatedAt'>>();
  private rounds = new Map<string, RoundState>();
  private primed = false;

  constructor(private readonly options: RunWatcherOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? WATCH_INTERVAL_MS);
    this.timer.unref?.();
    this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Reads the store now and emits what changed. `quietFor` names a run this host executes (or just stopped
   * executing) whose changes are taken in without events: after a local run settles, so its last writes are not
   * replayed as if another process made them. Other runs' changes since the last look are emitted as on any tick —
   * a quiet look at every run once swallowed another process's completion that landed just before a local run
   * settled (test/server/soak.test.ts caught it). The first look is quiet for all: what came before is not news.
   */
  tick(options: { quietFor?: string } = {}): void {
    const store = this.options.store();
    if (!store) return;
    try {
      const version = dataVersion(store);
      if (options.quietFor === undefined && this.primed && version === this.dataVersion) return;
      this.dataVersion = version;
      this.scan(store, (runId) => !this.primed || runId === options.quietFor);
      this.primed = true;
    } catch {
      // A busy or briefly unreadable database: the next tick tries again.
    }
  }

  private scan(store: Store, quiet: (runId: string) => boolean): void {
    const rows = listRunStates(store);
    const events: LoopEvent[] = [];
    const next = new Map<string, Pick<RunState, 'status' | 'updatedAt'>>();
    for (const r of rows) {
      const prev = this.runs.get(r.id);
      next.set(r.id, { status: r.status, updatedAt: r.updatedAt });
      const changed = !prev || prev.status !== r.status || prev.updatedAt !== r.updatedAt;
      if (!changed && r.status !== 'running') continue;
      const local = this.options.isLocal(r.id);
      const silent = quiet(r.id);
      const statusEvent: LoopEvent | undefined =
        !local && !silent && (!prev || prev.status !== r.status) ? { type: 'run', runId: r.id, status: r.status, ...(r.error ? { message: r.error } : {}) } : undefined;
      // In the order the loop itself emits: "running" before the rounds' stages, an ending after the last round.
      const starting = r.status === 'queued' || r.status === 'running';
      if (statusEvent && starting) events.push(statusEvent);
      this.scanRounds(store, r.id, local || silent ? undefined : events);
      if (statusEvent && !starting) events.push(statusEvent);
    }
    this.runs = next;
    for (const e of events) this.options.emit(e);
  }

  private scanRounds(store: Store, runId: string, events: LoopEvent[] | undefined): void {
    const at = (s: LoopStage | null): number => (s === null ? -1 : LOOP_STAGES.indexOf(s));
    for (const it of listRounds(store, runId)) {
      const key = `${runId}#${it.round}`;
      const prev = this.rounds.get(key);
      this.rounds.set(key, { status: it.status, stage: it.stage });
      if (!events || (prev && prev.status === it.status && prev.stage === it.stage)) continue;
      const committed = at(it.stage);
      // Stages committed since the last look ended; on a first look, what came before is not news.
      if (prev) {
        for (let i = at(prev.stage) + 1; i <= committed; i++) events.push({ type: 'stage', runId, round: it.round, stage: LOOP_STAGES[i]!, phase: 'end' });
      }
      const next = LOOP_STAGES[committed + 1];
      if (it.status === 'running' && next && (!prev || prev.stage !== it.stage || prev.status !== 'running')) {
        events.push({ type: 'stage', runId, round: it.round, stage: next, phase: 'start' });
      }
      if (it.status === 'completed' && prev?.status !== 'completed') {
        events.push({ type: 'round', runId, summary: summarizeRound(store, runId, it) });
      }
    }
  }
}
