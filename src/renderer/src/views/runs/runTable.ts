/**
 * What the Runs view shows, derived from RunSummary / RunDetail / live events: config summaries, per-round
 * rows with bucket shares and held-out scores, and the two-run comparison. A running run's progress is in
 * lib/runProgress.ts, and the runs table's columns and sorting in lib/runList.ts, since the runs store holds them too.
 */
import type { RoundSummary, ProposerRoundStats } from '../../../../shared/loop.js';
import type { RoundCounts, RoundStatus, JsonValue, LoopStage, MetricRecord, RunConfig, RunSeeds, RunStatus } from '../../../../shared/records.js';
import { LOOP_STAGES } from '../../../../shared/records.js';
import type { LiveStage } from '../../lib/runProgress.js';
import type { RunDetail, RunSummary } from '../../../../shared/api.js';
import { sortFamilies } from '../../lib/families.js';

function num(v: JsonValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Planned rounds T from a run's stored config (null when it does not say). */
export function plannedRounds(config: RunConfig): number | null {
  return num(config.rounds);
}

/** "T 5 · K 200 · B 64 · synthetic:8 · reference". */
export function configSummary(config: RunConfig): string {
  const parts: string[] = [];
  const t = num(config.rounds);
  const k = num(config.steps);
  const b = num(config.batch);
  if (t !== null) parts.push(`T ${t}`);
  if (k !== null) parts.push(`K ${k}`);
  if (b !== null) parts.push(`B ${b}`);
  const scenes = config.scenes;
  if (Array.isArray(scenes) && scenes.length > 0) {
    const list = scenes.filter((s): s is string => typeof s === 'string');
    parts.push(list.length > 2 ? `${list.slice(0, 2).join(', ')} +${list.length - 2}` : list.join(', '));
  }
  if (typeof config.strategy === 'string' && config.mode === 'closed-loop') parts.push(config.strategy);
  if (typeof config.model === 'string' && config.model !== 'default') parts.push(config.model);
  return parts.join(' · ');
}

export function seedsSummary(seeds: RunSeeds): string {
  const entries = Object.entries(seeds);
  if (entries.length === 0) return '—';
  return entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

export interface BucketShares {
  easy: number;
  frontier: number;
  hard: number;
  /** Answered samples the shares are over. */
  n: number;
}

export function bucketShares(c: Pick<RoundCounts, 'easy' | 'frontier' | 'hard'>): BucketShares | null {
  const n = c.easy + c.frontier + c.hard;
  if (n <= 0) return null;
  return { easy: c.easy / n, frontier: c.frontier / n, hard: c.hard / n, n };
}

const OVERALL_METRICS = ['score', 'overall', 'accuracy'];

function metricRank(m: MetricRecord): number {
  const i = OVERALL_METRICS.indexOf(m.metric);
  return i < 0 ? OVERALL_METRICS.length : i;
}

/** Held-out score per round and family (null key: overall), preferring the `score` metric. */
export function scoresByRound(metrics: readonly MetricRecord[]): Map<number, Map<string | null, number>> {
  const best = new Map<string, MetricRecord>();
  for (const m of metrics) {
    const key = `${m.round}\u0000${m.family ?? ''}`;
    const prev = best.get(key);
    if (!prev || metricRank(m) < metricRank(prev)) best.set(key, m);
  }
  const out = new Map<number, Map<string | null, number>>();
  for (const m of best.values()) {
    let row = out.get(m.round);
    if (!row) out.set(m.round, (row = new Map()));
    row.set(m.family, m.value);
  }
  return out;
}

/** A round's status as the table shows it: `paused` is a round a paused run stopped in (stored as pending). */
export type RowStatus = RoundStatus | 'paused';

export interface RoundRow {
  round: number;
  status: RowStatus;
  /** Running: the stage under way (null between two stages). Otherwise: the last stage the round committed. */
  stage: LoopStage | null;
  /** null: not known yet (a round that started after the run's detail was read). */
  proposed: number | null;
  accepted: number | null;
  rejected: number | null;
  shares: BucketShares | null;
  heldout: number | null;
  /** The held-out score's bootstrap 95% interval over the benchmark's questions. */
  interval: { lo: number; hi: number } | null;
  samplesSeen: number | null;
  meanLoss: number | null;
  ms: number | null;
  /** The LLM proposer's drafts this round (null: it did not propose). */
  llm: ProposerRoundStats | null;
}

/** What the rounds table takes from the live events (the runs store's LiveRun). */
export interface LiveRounds {
  summaries: readonly RoundSummary[];
  /** The round whose stages are tracked; −1 during set-up. */
  round: number | null;
  stages: Partial<Record<LoopStage, LiveStage>>;
}

const llmOf = (list: readonly ProposerRoundStats[] | undefined): ProposerRoundStats | null => list?.find((p) => p.proposer === 'llm') ?? null;

/** The stage the live strip shows under way, if any: the rounds table names the same one. */
export function runningStage(stages: Partial<Record<LoopStage, LiveStage>>): LoopStage | null {
  return [...LOOP_STAGES].reverse().find((s) => stages[s]?.state === 'running') ?? null;
}

/** The stage after the last one a round committed: what runs while the store says the round is running. */
function stageAfter(stage: LoopStage | null): LoopStage | null {
  return LOOP_STAGES[(stage === null ? -1 : LOOP_STAGES.indexOf(stage)) + 1] ?? null;
}

/** A round the store has as running or pending, while the run itself is in `runStatus`. */
function settledStatus(stored: RoundStatus, runStatus: RunStatus): RowStatus {
  // As the loop leaves them when it stops (run.ts, markRunning): paused → pending (shown paused), failed → failed.
  if (runStatus === 'paused') return 'paused';
  if (runStatus === 'failed') return 'failed';
  if (runStatus === 'cancelled') return 'cancelled';
  return stored === 'running' ? 'pending' : stored;
}

/**
 * One row per round. The stored records come first, with their samples seen and loss from the host
 * (`roundFigures`); then live events: a round's `round` summary completes it, and while the run runs the
 * round under way names the stage the live strip shows (a round that started since the detail was read gets its
 * row then). Rounds the store has as running or pending take the run's own status once it stopped, so a stopped
 * run never shows a round running.
 */
export function roundRows(detail: RunDetail | null, live: Partial<LiveRounds> = {}, runStatus: RunStatus | null = detail?.run.status ?? null): RoundRow[] {
  const rows = new Map<number, RoundRow>();
  const scores = scoresByRound(detail?.metrics ?? []);
  const figures = new Map((detail?.roundFigures ?? []).map((f) => [f.round, f]));
  const bound = (metric: string, k: number): number | undefined => detail?.metrics.find((m) => m.metric === metric && m.family === null && m.round === k)?.value;
  const intervalAt = (k: number): { lo: number; hi: number } | null => {
    const lo = bound('score_ci_lo', k);
    const hi = bound('score_ci_hi', k);
    return lo !== undefined && hi !== undefined ? { lo, hi } : null;
  };
  const liveRound = live.round !== null && live.round !== undefined && live.round >= 0 ? live.round : null;
  const running = runStatus === 'running';
  const underWay = runningStage(live.stages ?? {});
  for (const it of detail?.rounds ?? []) {
    let status: RowStatus = it.status;
    let stage = it.stage;
    if (it.status === 'running' || it.status === 'pending') {
      if (running && liveRound === it.round) {
        status = 'running';
        stage = underWay;
      } else if (running && liveRound !== null && liveRound > it.round) {
        // Rounds run in order: one the events have moved past is done, whatever the detail read before said.
        status = 'completed';
      } else if (running && it.status === 'running') {
        stage = stageAfter(it.stage);
      } else if (runStatus !== null && !running) {
        status = settledStatus(it.status, runStatus);
      }
    }
    const f = figures.get(it.round);
    rows.set(it.round, {
      round: it.round,
      status,
      stage,
      proposed: it.counts.proposed,
      accepted: it.counts.accepted,
      rejected: it.counts.rejected,
      shares: bucketShares(it.counts),
      heldout: scores.get(it.round)?.get(null) ?? null,
      interval: intervalAt(it.round),
      samplesSeen: f?.samplesSeen ?? null,
      meanLoss: f?.meanLoss ?? null,
      ms: it.finishedAt !== null ? it.activeMs : null,
      llm: llmOf(detail?.proposers.find((p) => p.round === it.round)?.proposers),
    });
  }
  if (running && liveRound !== null && !rows.has(liveRound)) {
    rows.set(liveRound, {
      round: liveRound,
      status: 'running',
      stage: underWay,
      proposed: null,
      accepted: null,
      rejected: null,
      shares: null,
      heldout: null,
      interval: null,
      samplesSeen: null,
      meanLoss: null,
      ms: null,
      llm: null,
    });
  }
  for (const s of live.summaries ?? []) {
    const prev = rows.get(s.round);
    rows.set(s.round, {
      round: s.round,
      // A summary is sent when its round completed.
      status: 'completed',
      stage: 'evaluate',
      proposed: s.counts.proposed,
      accepted: s.counts.accepted,
      rejected: s.counts.rejected,
      shares: bucketShares(s.counts),
      heldout: s.heldout?.overall ?? prev?.heldout ?? null,
      interval: s.heldout?.interval ?? prev?.interval ?? null,
      samplesSeen: s.samplesSeen,
      meanLoss: s.meanLoss,
      ms: s.ms,
      llm: llmOf(s.proposers) ?? prev?.llm ?? null,
    });
  }
  return [...rows.values()].sort((a, b) => a.round - b.round);
}

/** "running train", "paused after control", "completed": what a row's status cell says after its badge. */
export function rowStageText(row: Pick<RoundRow, 'status' | 'stage'>): string {
  if (row.stage === null || row.status === 'completed' || row.status === 'pending') return '';
  return row.status === 'running' ? row.stage : `after ${row.stage}`;
}

export interface CompareRow {
  key: string;
  label: string;
  a: number | null;
  b: number | null;
  /** b − a, when both exist. */
  delta: number | null;
}

/** Latest evaluated round's scores of a run (overall under null). */
export function latestScores(detail: RunDetail): { round: number | null; scores: Map<string | null, number> } {
  const byIt = scoresByRound(detail.metrics);
  let latest: number | null = null;
  for (const [it, row] of byIt) if (row.has(null) && (latest === null || it > latest)) latest = it;
  if (latest === null) for (const it of byIt.keys()) if (latest === null || it > latest) latest = it;
  return { round: latest, scores: latest === null ? new Map() : byIt.get(latest)! };
}

/** Side-by-side held-out scores of two runs: overall first, then every family either run has. */
export function compareRows(a: RunDetail, b: RunDetail): CompareRow[] {
  const sa = latestScores(a).scores;
  const sb = latestScores(b).scores;
  const families = sortFamilies([...sa.keys(), ...sb.keys()].filter((k): k is string => k !== null));
  const row = (key: string | null, label: string): CompareRow => {
    const va = sa.get(key) ?? null;
    const vb = sb.get(key) ?? null;
    return { key: key ?? '__overall', label, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null };
  };
  return [row(null, 'overall'), ...families.map((f) => row(f, f))];
}

/** Config keys whose values differ between two runs, for the comparison's settings table. */
export function configDiff(a: RunSummary, b: RunSummary): { key: string; a: string; b: string }[] {
  const keys = [...new Set([...Object.keys(a.config), ...Object.keys(b.config)])].sort();
  const out: { key: string; a: string; b: string }[] = [];
  for (const k of keys) {
    const va = JSON.stringify(a.config[k] ?? null);
    const vb = JSON.stringify(b.config[k] ?? null);
    if (va !== vb && k !== 'name') out.push({ key: k, a: va, b: vb });
  }
  return out;
}

export const ACTIVE_STATUSES = ['queued', 'running'] as const;

export function canStop(run: RunSummary): boolean {
  return run.status === 'queued' || run.status === 'running';
}

export function canResume(run: RunSummary): boolean {
  return run.status === 'paused';
}

/** A running or queued run is being written by its loop: it is stopped before it can be deleted. */
export function canDelete(run: RunSummary): boolean {
  return !canStop(run);
}
