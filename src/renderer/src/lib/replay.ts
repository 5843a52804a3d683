/**
 * A run's replay, round by round: what the presenter's slider steps through. Everything is computed once from the
 * run's detail and one `sceneConfidenceByRound` reply, so scrubbing never waits on the host.
 *
 * Colours: per-object confidence is drawn on a diverging scale centred at 0.5 (the frontier's middle: red below,
 * green above) whose half-width is the data's own (the largest distance from 0.5 over every round), not a fixed 0–1.
 * A run whose objects stay between 0.3 and 0.7 then spans the whole palette, and one scale serves every round, so
 * a colour means the same confidence at round 0 and at the last round.
 */
import type { ObjectConfidence, RunDetail, SceneConfidenceByRound } from '../../../shared/api.js';
import { mixOverRounds } from './generationMix.js';

export interface ReplayFrame {
  round: number;
  /** The generation mix this round's questions were drawn with (share per family); empty when not recorded. */
  mix: Record<string, number>;
  /** Shares of the round's accepted questions by bucket, as the model entering the round saw them; null before any. */
  buckets: { easy: number; frontier: number; hard: number; n: number } | null;
  /** Held-out score after the round (overall); null when not evaluated. */
  heldout: number | null;
  /** Per-object confidence of the scene after the round, and how many questions it rests on. */
  objects: ObjectConfidence[];
  questions: number;
}

export interface Replay {
  runId: string;
  sceneId: string | null;
  /** Held-out score of the model the run started from (null when not recorded). */
  base: number | null;
  families: string[];
  frames: ReplayFrame[];
  domain: ConfidenceDomain;
}

export interface ConfidenceDomain {
  lo: number;
  mid: number;
  hi: number;
}

/** Smallest half-width: a scene whose objects all sit at 0.5 would otherwise divide by zero and flicker on noise. */
const MIN_HALF_WIDTH = 0.05;

/** The diverging scale's range: centred at 0.5, as wide as the data's farthest value over every round. */
export function confidenceDomain(rounds: readonly { objects: readonly ObjectConfidence[] }[]): ConfidenceDomain {
  let half = MIN_HALF_WIDTH;
  for (const r of rounds) for (const o of r.objects) if (Number.isFinite(o.mean)) half = Math.max(half, Math.abs(o.mean - 0.5));
  half = Math.min(0.5, half);
  return { lo: 0.5 - half, mid: 0.5, hi: 0.5 + half };
}

/** A confidence's place on the domain, 0…1 (the colour ramp's input); 0.5 stays the middle. */
export function onDomain(value: number, d: ConfidenceDomain): number {
  const t = (value - d.lo) / (d.hi - d.lo);
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** Objects with their means placed on the domain, keyed by id: what the point colouring reads. */
export function colouredObjects(objects: readonly ObjectConfidence[], d: ConfidenceDomain): Map<number, ObjectConfidence> {
  return new Map(objects.map((o) => [o.objectId, { ...o, mean: onDomain(o.mean, d) }]));
}

function overallScore(detail: RunDetail, metric: string, round?: number): number | null {
  const m = detail.metrics.find((x) => x.metric === metric && x.family === null && (round === undefined || x.round === round));
  return m ? m.value : null;
}

export function buildReplay(detail: RunDetail, confidence: SceneConfidenceByRound | null): Replay {
  const mix = mixOverRounds(detail.decisions);
  const mixOf = new Map(mix.columns.map((c) => [c.round, c.shares]));
  const byRound = new Map((confidence?.rounds ?? []).map((r) => [r.round, r]));
  const frames = [...detail.rounds]
    .sort((a, b) => a.round - b.round)
    .map((r): ReplayFrame => {
      const c = r.counts;
      const n = c.easy + c.frontier + c.hard;
      const scene = byRound.get(r.round);
      return {
        round: r.round,
        mix: mixOf.get(r.round) ?? {},
        buckets: n > 0 ? { easy: c.easy / n, frontier: c.frontier / n, hard: c.hard / n, n } : null,
        heldout: overallScore(detail, 'score', r.round),
        objects: scene?.objects ?? [],
        questions: scene?.questions ?? 0,
      };
    });
  return {
    runId: detail.run.id,
    sceneId: confidence?.sceneId ?? null,
    base: overallScore(detail, 'base_score'),
    families: mix.families,
    frames,
    domain: confidenceDomain(frames),
  };
}

export interface ObjectChange {
  objectId: number;
  /** Its confidence in the first round with an answer about it (round `k` itself for an object new at `k`). */
  from: number;
  to: number;
}

/**
 * The objects whose confidence moved most between the first round that had an answer about them and round `k`
 * (largest absolute change first; ties, such as objects first answered at `k`, by confidence).
 */
export function biggestChanges(replay: Replay, k: number, limit: number): ObjectChange[] {
  const at = replay.frames.find((f) => f.round === k);
  if (!at) return [];
  const first = new Map<number, number>();
  for (const f of replay.frames) {
    if (f.round > k) break;
    for (const o of f.objects) if (!first.has(o.objectId)) first.set(o.objectId, o.mean);
  }
  // `first` holds every object of round k: the loop above reached k.
  const changes = at.objects.map((o): ObjectChange => ({ objectId: o.objectId, from: first.get(o.objectId)!, to: o.mean }));
  const delta = (c: ObjectChange): number => Math.abs(c.to - c.from);
  return changes.sort((a, b) => delta(b) - delta(a) || b.to - a.to || a.objectId - b.objectId).slice(0, limit);
}

/** The next round when playing: one step on, or null at the end (playback stops there). */
export function nextRound(replay: Replay, k: number): number | null {
  const i = replay.frames.findIndex((f) => f.round === k);
  return i >= 0 && i + 1 < replay.frames.length ? replay.frames[i + 1]!.round : null;
}
