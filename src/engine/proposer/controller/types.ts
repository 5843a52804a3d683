/**
 * The feedback controller's contract. A strategy turns last round's solver confidences into next round's
 * generation mix; every decision is plain JSON (no Maps, no undefined, no NaN) because it is stored in the DB
 * and replayed in the UI to explain why the mix changed.
 */
import type { BucketThresholds, ConfidenceSample, Family, Mix, MixKey } from '../../../shared/proposer.js';

/** Settings shared by every strategy: what happens to a strategy's proposal before it becomes the mix. */
export interface ControllerConfig {
  /**
   * Share of the previous mix kept: after = momentum·previous + (1 − momentum)·proposal. Damps the
   * oscillation a pure argmax-style controller shows when a family flips between easy and frontier on
   * noisy small rounds. 0 jumps straight to the proposal; 1 freezes the mix.
   */
  momentum: number;
  /**
   * ε: each family present in `cells` keeps at least ε·(1/F) of the mix (F families). Keeps mastered and
   * hopeless families probed, so the loop notices forgetting or a family becoming learnable.
   */
  familyFloor: number;
  /** δ: each cell keeps at least δ·(1/N) of the mix (N cells), so no cell is locked out for good. */
  cellFloor: number;
}

export interface ControllerInput {
  round: number;
  /** The mix the round that produced `samples` was generated with; `{ entries: [] }` on the first round. */
  previous: Mix;
  samples: ConfidenceSample[];
  /** Every (scene, family, bin) the proposer can generate now; the new mix covers exactly these. */
  cells: MixKey[];
  thresholds: BucketThresholds;
  /** Unset fields take DEFAULT_CONTROLLER_CONFIG. */
  config?: Partial<ControllerConfig>;
}

export interface BucketTally {
  easy: number;
  frontier: number;
  hard: number;
}

/** Sample statistics of one cell, one family×bin or one family. */
export interface CellStats {
  level: 'cell' | 'familyBin' | 'family';
  /** null above the cell level. */
  sceneId: string | null;
  family: Family;
  /** null at the family level. */
  bin: number | null;
  n: number;
  /** null when n = 0 (JSON has no NaN). */
  meanConfidence: number | null;
  counts: BucketTally;
  /** counts / n; all 0 when n = 0. */
  shares: BucketTally;
  /** Samples whose correctness is known. */
  judged: number;
  /** Correct / judged; null when nothing was judged. */
  accuracy: number | null;
}

/** A stats row as logged with a decision: the sample statistics plus what the controller did with the row. */
export interface DecisionStats extends CellStats {
  /** Weight in `previous` (summed over the row's cells). */
  before: number;
  /** Weight in the new mix (summed over the row's cells). */
  after: number;
  /**
   * The strategy's smoothed estimate for the row (frontier share for reference/bandit, mean confidence for
   * target-band) — at family×bin level it is what an unseen cell of that bin inherited; null for uniform.
   */
  score: number | null;
}

export interface ControllerDecision {
  strategy: string;
  round: number;
  before: Mix;
  after: Mix;
  /** Resolved shared settings. */
  config: ControllerConfig;
  /** Resolved strategy options (priors, band, seed …). */
  options: Record<string, number>;
  /**
   * Family rows, then family×bin rows, then cell rows for cells that have samples (unseen cells' weights are
   * in `after`, their inherited estimate in their family×bin row); each group in canonical order.
   */
  stats: DecisionStats[];
  /** Human-readable, e.g. "object_counting: 71% easy / 20% frontier / 9% hard of 120 → weight 0.120 → 0.050". */
  reasons: string[];
}

export interface ControllerStrategy {
  readonly name: string;
  decide(input: ControllerInput): ControllerDecision;
}

export const STRATEGY_NAMES = ['reference', 'uniform', 'target-band', 'bandit', 'learnability', 'reducible-loss'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Options of every strategy in one bag, so the UI and the DB can carry them without knowing the strategy. */
export interface StrategyOptions {
  /** Pseudo-samples a cell's estimate borrows from its parent (family×bin ← family ← all). */
  priorStrength: number;
  /** Frontier share assumed before any sample exists (reference, bandit). */
  priorFrontier: number;
  /** Target band centre for the mean confidence (target-band). */
  center: number;
  /** Half-width of the band: mean confidences within centre ± halfWidth score 1 (target-band). */
  halfWidth: number;
  /** Gaussian fall-off outside the band (target-band). */
  sigma: number;
  /** Seed of the bandit's posterior draws (bandit). */
  seed: number;
  /** Thompson draws per decision; the mix is the share of draws each cell wins (bandit). */
  draws: number;
  /**
   * 1: every family keeps an equal share of the mix and the rule's scores only move weight between the cells of
   * one family (learnability, reducible-loss); 0: scores compete across families.
   */
  balanceFamilies: number;
}
