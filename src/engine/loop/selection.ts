/**
 * The selection rules' per-sample scores and the top-score pick. A rule scores each accepted question from
 * the solver's answer to it; the same score steers the generation mix (controller/scoreRules.ts, averaged per
 * cell) and decides which questions a round trains on, so what is generated and what is trained on follow
 * one rule.
 */
import type { LoopConfig } from '../../shared/loop.js';
import { SCORE_STRATEGIES } from '../../shared/loop.js';
import { createRng, hashSeed } from '../../shared/random.js';

export interface SampleEvidence {
  /** p̂: probability of answering right (expected score under the solver's answer distribution). */
  pCorrect: number;
  /** The solver's loss on the ground truth. */
  loss: number;
  /** The irreducible-loss model's loss on the ground truth (NaN when the rule does not use one). */
  referenceLoss: number;
}

/** p̂(1 − p̂): 0 for what is always right or always wrong, ¼ at p̂ = ½. */
export function learnability(pCorrect: number): number {
  const p = Math.min(1, Math.max(0, pCorrect));
  return p * (1 - p);
}

/** RHO-LOSS: what training on the sample can still remove from its loss, by the reference model's account. */
export function reducibleLoss(loss: number, referenceLoss: number): number {
  return loss - referenceLoss;
}

/** The rule's score for one answered question, or null when the run's rule ranks by buckets instead. */
export function selectionScore(config: Pick<LoopConfig, 'mode' | 'strategy'>, e: SampleEvidence): number | null {
  if (config.mode !== 'closed-loop' || !SCORE_STRATEGIES.includes(config.strategy)) return null;
  const s = config.strategy === 'learnability' ? learnability(e.pCorrect) : reducibleLoss(e.loss, e.referenceLoss);
  return Number.isFinite(s) ? s : null;
}

/**
 * The `cap` highest-scoring items (a question without a score ranks last); ties are broken by a seeded
 * shuffle so equal scores do not favour low ids. Returned in the input's order.
 */
export function topByScore<T>(items: readonly T[], scoreOf: (t: T) => number | null, cap: number, seed: number): T[] {
  if (items.length <= cap) return [...items];
  const order = createRng(seed).shuffle(items.map((_, i) => i));
  const rank = new Map(order.map((idx, r) => [idx, r]));
  const key = (i: number): number => scoreOf(items[i]!) ?? Number.NEGATIVE_INFINITY;
  const chosen = items
    .map((_, i) => i)
    .sort((a, b) => key(b) - key(a) || rank.get(a)! - rank.get(b)!)
    .slice(0, cap)
    .sort((a, b) => a - b);
  return chosen.map((i) => items[i]!);
}

/**
 * `cap` items with equal quotas per group (⌊cap / groups⌋, the remainder to the groups in a seeded order), each
 * group's quota filled by its highest scores; quota a small group cannot fill goes to the best of the rest.
 * Returned in the input's order.
 */
export function topByScorePerGroup<T>(items: readonly T[], groupOf: (t: T) => string, scoreOf: (t: T) => number | null, cap: number, seed: number): T[] {
  if (items.length <= cap) return [...items];
  const groups = new Map<string, number[]>();
  items.forEach((t, i) => {
    const g = groupOf(t);
    const list = groups.get(g) ?? [];
    list.push(i);
    groups.set(g, list);
  });
  const names = createRng(hashSeed(seed, 'groups')).shuffle([...groups.keys()].sort());
  const quota = new Map(names.map((g, r) => [g, Math.floor(cap / names.length) + (r < cap % names.length ? 1 : 0)]));
  const chosen = new Set<number>();
  for (const g of names) {
    const idx = groups.get(g)!;
    for (const i of topByScore(idx, (i) => scoreOf(items[i]!), quota.get(g)!, hashSeed(seed, g))) chosen.add(i);
  }
  const rest = items.map((_, i) => i).filter((i) => !chosen.has(i));
  for (const i of topByScore(rest, (i) => scoreOf(items[i]!), cap - chosen.size, hashSeed(seed, 'rest'))) chosen.add(i);
  return [...chosen].sort((a, b) => a - b).map((i) => items[i]!);
}
