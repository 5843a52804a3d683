/**
 * Fuzz suite over the API argument checks (issue 11, "Also"): any arguments to any method are accepted or
 * rejected with an InputError naming the argument, never a TypeError from inside the checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/shared/errors.js';
import { API_METHODS, validateApiArgs } from '../../../src/shared/apiValidation.js';

/** Keys the checks know, so generated objects reach the field checks, not only the unknown-key check. */
const KNOWN_KEYS = [
  'dataset', 'limit', 'offset', 'runId', 'round', 'family', 'sceneId', 'bucket', 'verdict', 'bin', 'search', 'sort',
  'descending', 'kind', 'metric', 'scenes', 'heldoutScenes', 'extraLabels', 'heldoutFraction', 'rounds', 'steps',
  'batch', 'lr', 'warmupSteps', 'thresholds', 'easy', 'hard', 'candidates', 'acceptPerRound', 'strategy', 'selection',
  'staticSamples', 'benchmarkPerFamily', 'model', 'executionProvider', 'threads', 'frames', 'seed', 'dataSeed',
  'initCheckpoint', 'mode', 'toString', '__proto__', 'constructor',
];

const wild = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});
const plausible = fc.oneof(
  fc.constantFrom(0, 1, -1, 0.5, 1e6, Number.MAX_SAFE_INTEGER, NaN, Infinity, '', 'easy', 'frontier', 'accuracy', 'family-round', 'cpu', 'id', 'accepted', 'frontier-first', true, null, undefined),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
);
const value = fc.oneof(plausible, wild);
const knownObject = fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 6 })), fc.oneof(value, fc.dictionary(fc.constantFrom('easy', 'hard', 'x'), value)), { maxKeys: 6 });
const arg = fc.oneof(value, knownObject);
const args = fc.oneof(fc.array(arg, { maxLength: 4 }), wild);

function check(method: unknown, a: unknown): void {
  const known = (API_METHODS as readonly unknown[]).includes(method);
  try {
    validateApiArgs(method as (typeof API_METHODS)[number], a);
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`expected an InputError, got ${String(e)}`, { cause: e });
    expect(e.problems.length).toBeGreaterThan(0);
    // A known method's problems name the argument; an unknown method's name the method as given (maybe '').
    for (const p of e.problems) {
      if (known) expect(p.field, JSON.stringify(p)).toMatch(/\S/);
      else expect(typeof p.field).toBe('string');
    }
  }
}

describe('API validation fuzz', () => {
  it('every method: any arguments are accepted or give an InputError naming the argument', () => {
    fc.assert(
      fc.property(fc.constantFrom(...API_METHODS), args, (method, a) => check(method, a)),
      { seed: 47, numRuns: 1500 },
    );
  });

  it('any method name given as text: an unknown one gives an InputError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), args, (method, a) => check(method, a)),
      { seed: 48, numRuns: 300 },
    );
  });

  // Found a bug (seed 48, counterexample [{__proto__:null}, []]): the unknown-method message was built with
  // String(method), a TypeError for a null-prototype object. Fixed in validateApiArgs.
  it('any method value at all: an unknown one gives an InputError, never a TypeError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 12 }), wild), args, (method, a) => check(method, a)),
      { seed: 48, numRuns: 300 },
    );
  });
});
