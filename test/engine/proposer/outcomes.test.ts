import { describe, expect, it } from 'vitest';
import { planCalls, type OutcomeMemo } from '../../../src/engine/proposer/outcomes.js';
import type { ProgramOutcome } from '../../../src/engine/proposer/runner.js';

describe('program outcomes kept per scene', () => {
  it('runs each distinct call once, keeps what a later call may reuse, and hands every call its own objects', () => {
    const memo: OutcomeMemo = new Map();
    const pair = { source: 'return [args.a];', args: { a: 1 } };
    const calls = [pair, 'return 2;', { ...pair, args: { a: 2 } }, { source: pair.source, args: { a: 1 } }, 'return 2;', { source: 'return [args.a];', args: {} }];
    const plan = planCalls(memo, calls);
    expect(plan.toRun).toEqual([calls[0], calls[1], calls[2], calls[5]]);
    const slow: ProgramOutcome = { ok: false, kind: 'timeout', message: 'program exceeded its 50 ms time limit' };
    const out = plan.outcomes([{ ok: true, value: [1] }, { ok: true, value: 2 }, slow, { ok: false, kind: 'runtime', message: 'TypeError: x' }]);
    expect(out).toEqual([{ ok: true, value: [1] }, { ok: true, value: 2 }, slow, { ok: true, value: [1] }, { ok: true, value: 2 }, { ok: false, kind: 'runtime', message: 'TypeError: x' }]);
    expect((out[3] as { value: unknown }).value).not.toBe((out[0] as { value: unknown }).value);
    // Later: only the timeout runs again (it depends on the machine's load); a plain source is not a source with args.
    const later = planCalls(memo, [{ source: pair.source, args: { a: 2 } }, { source: pair.source, args: { a: 1 } }, { source: 'return 2;', args: {} }, 'return 2;']);
    expect(later.toRun).toEqual([{ source: pair.source, args: { a: 2 } }, { source: 'return 2;', args: {} }]);
    const again = later.outcomes([{ ok: true, value: [2] }, { ok: true, value: 3 }]);
    expect(again).toEqual([{ ok: true, value: [2] }, { ok: true, value: [1] }, { ok: true, value: 3 }, { ok: true, value: 2 }]);
    // What a caller changes in its copy does not reach the next caller.
    ((again[1] as { value: number[] }).value)[0] = 99;
    expect(planCalls(memo, [pair]).outcomes([])).toEqual([{ ok: true, value: [1] }]);
    expect(() => planCalls(memo, ['return 5;']).outcomes([])).toThrow(/answered 0 outcomes for 1 programs/);
  });
});
