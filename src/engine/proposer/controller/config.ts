/**
 * Defaults and validation. Config comes from the UI and the CLI, so a bad value is an InputError naming the
 * field rather than a NaN that silently flattens the mix three rounds later.
 */
import { InputError, type InputProblem } from '../../../shared/errors.js';
import type { BucketThresholds } from '../../../shared/proposer.js';
import type { ControllerConfig, StrategyOptions } from './types.js';

/**
 * momentum 0.3: 70% of each step follows the new evidence, enough to move within a round or two while a noisy
 * round of a few dozen samples cannot swing a family from top to bottom.
 * familyFloor 0.2: with the 12 families each keeps ≥ 1/60 ≈ 1.7% — at a few hundred proposals a round that is
 * still ~5 questions per family, enough to notice a mastered family regressing; ≥ 80% of the mix stays
 * steerable. (0.05 would leave ~1 question a round: too few to see anything.)
 * cellFloor 0.01: at most 1% of the mix is spread over all cells; it only keeps weights off exact zero.
 */
export const DEFAULT_CONTROLLER_CONFIG: Readonly<ControllerConfig> = Object.freeze({
  momentum: 0.3,
  familyFloor: 0.2,
  cellFloor: 0.01,
});

/**
 * priorStrength 4: a cell's own samples outweigh its parent's estimate once it has more than 4.
 * priorFrontier 0.5: before any evidence a cell is assumed as useful as anything — optimism that gets it tried.
 * Band 0.5 ± 0.1, σ 0.15: a cell at mean confidence 0.9 scores exp(−0.3²/(2·0.15²)) ≈ 0.14 of an in-band one.
 */
export const DEFAULT_STRATEGY_OPTIONS: Readonly<StrategyOptions> = Object.freeze({
  priorStrength: 4,
  priorFrontier: 0.5,
  center: 0.5,
  halfWidth: 0.1,
  sigma: 0.15,
  seed: 0,
  draws: 200,
  balanceFamilies: 0,
});

type Check = (v: number) => boolean;
const finite: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const unit: Check = (v) => finite(v) && v >= 0 && v <= 1;
const openUnit: Check = (v) => finite(v) && v > 0 && v < 1;
const positive: Check = (v) => finite(v) && v > 0;
const nonNegative: Check = (v) => finite(v) && v >= 0;
const seed: Check = (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const count: Check = (v) => Number.isInteger(v) && v >= 1 && v <= 1_000_000;

function check(problems: InputProblem[], field: string, value: number, ok: Check, expected: string): void {
  if (!ok(value)) problems.push({ field, message: `expected ${expected}, found ${String(value)}` });
}

export function resolveConfig(partial: Partial<ControllerConfig> | undefined): ControllerConfig {
  const c: ControllerConfig = { ...DEFAULT_CONTROLLER_CONFIG, ...stripUndefined(partial ?? {}) };
  const problems: InputProblem[] = [];
  check(problems, 'controller.momentum', c.momentum, unit, 'a number in [0, 1]');
  check(problems, 'controller.familyFloor', c.familyFloor, unit, 'a number in [0, 1]');
  check(problems, 'controller.cellFloor', c.cellFloor, unit, 'a number in [0, 1]');
  // Both floors reserve mass; together they may reserve at most all of it.
  if (problems.length === 0 && c.familyFloor + c.cellFloor > 1) {
    problems.push({ field: 'controller.familyFloor', message: `expected familyFloor + cellFloor ≤ 1, found ${c.familyFloor + c.cellFloor}` });
  }
  if (problems.length > 0) throw new InputError(problems);
  return c;
}

/** Resolves and validates only the options a strategy uses, so a decision logs exactly what mattered. */
export function resolveOptions<K extends keyof StrategyOptions>(
  strategy: string,
  partial: Partial<StrategyOptions> | undefined,
  keys: readonly K[],
): Pick<StrategyOptions, K> {
  const merged: StrategyOptions = { ...DEFAULT_STRATEGY_OPTIONS, ...stripUndefined(partial ?? {}) };
  const checks: Record<keyof StrategyOptions, [Check, string]> = {
    priorStrength: [positive, 'a number > 0'],
    priorFrontier: [openUnit, 'a number in (0, 1)'],
    center: [unit, 'a number in [0, 1]'],
    halfWidth: [nonNegative, 'a number ≥ 0'],
    sigma: [positive, 'a number > 0'],
    seed: [seed, 'an integer in [0, 2^32)'],
    draws: [count, 'an integer in [1, 1000000]'],
    balanceFamilies: [(v) => v === 0 || v === 1, '0 or 1'],
  };
  const problems: InputProblem[] = [];
  const out = {} as Pick<StrategyOptions, K>;
  for (const key of keys) {
    const [ok, expected] = checks[key];
    check(problems, `${strategy}.${key}`, merged[key], ok, expected);
    out[key] = merged[key];
  }
  if (problems.length > 0) throw new InputError(problems);
  return out;
}

export function validateThresholds(t: BucketThresholds): void {
  const problems: InputProblem[] = [];
  check(problems, 'thresholds.easy', t.easy, unit, 'a number in [0, 1]');
  check(problems, 'thresholds.hard', t.hard, unit, 'a number in [0, 1]');
  if (problems.length === 0 && t.hard > t.easy) {
    problems.push({ field: 'thresholds', message: `expected hard ≤ easy, found hard ${t.hard} > easy ${t.easy}` });
  }
  if (problems.length > 0) throw new InputError(problems);
}

// `{ momentum: undefined }` from a form must mean "default", not overwrite the default with undefined.
function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
