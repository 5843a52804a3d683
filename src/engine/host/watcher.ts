/**
 * Live updates for runs other processes write (a CLI run, a second workbench), and for every run when this host
 * is read-only: the loop's events never reach this process then, so they are synthesised from the store.
 * Every tick asks SQLite's `data_version`, which changes exactly when another connection committed; only
 * then are the runs and the running runs' rounds read and compared with the last snapshot. Runs this host
 * executes are tracked silently (their real events are already flowing).
 */
import type { LoopEvent } from '../../shared/loop.js';
import type { RoundRecord, LoopStage } from '../../shared/records.js';
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
   * Reads the store now and emits what changed. `silent` re-reads without emitting: after a local run settles,
   * so its last writes are not replayed as if another process made them.
   */
  tick(options: { silent?: boolean } = {}): void {
    const store = this.options.store();
    if (!store) return;
    try {
      const version = dataVersion(store);
      if (!options.silent && this.primed && version === this.dataVersion) return;
      this.dataVersion = version;
      this.scan(store, options.silent === true || !this.primed);
      this.primed = true;
    } catch {
      // A busy or briefly unreadable database: the next tick tries again.
    }
  }

  private scan(store: Store, silent: boolean): void {
    const rows = listRunStates(store);
    const events: LoopEvent[] = [];
    const next = new Map<string, Pick<RunState, 'status' | 'updatedAt'>>();
    for (const r of rows) {
      const prev = this.runs.get(r.id);
      next.set(r.id, { status: r.status, updatedAt: r.updatedAt });
      const changed = !prev || prev.status !== r.status || prev.updatedAt !== r.updatedAt;
      if (!changed && r.status !== 'running') continue;
      const local = this.options.isLocal(r.id);
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
    for (const it of listRounds(store, runId)) {
      const key = `${runId}#${it.index}`;
      const prev = this.rounds.get(key);
      this.rounds.set(key, { status: it.status, stage: it.stage });
      if (!events || (prev && prev.status === it.status && prev.stage === it.stage)) continue;
      if (prev?.stage && prev.stage !== it.stage) {
        events.push({ type: 'stage', runId, round: it.index, stage: prev.stage, phase: 'end' });
      }
      if (it.stage && it.stage !== prev?.stage && it.status === 'running') {
        events.push({ type: 'stage', runId, round: it.index, stage: it.stage, phase: 'start' });
      }
      if (it.status === 'completed' && prev?.status !== 'completed') {
        if (it.stage && prev?.stage === it.stage) events.push({ type: 'stage', runId, round: it.index, stage: it.stage, phase: 'end' });
        events.push({ type: 'round', runId, summary: summarizeRound(store, runId, it) });
      }
    }
  }
}
