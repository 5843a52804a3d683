/**
 * Program outcomes kept per scene (`PreparedScene.outcomes`). A program is deterministic on its scene: the sandbox
 * has no clock and no randomness, and the scene API is pure (its memos change no answer). So the same source with
 * the same args runs once on a scene, and its outcome serves every later call: a round asks about a quarter of its
 * programs twice on one scene (one question with its options reordered asks the same program), and a later round
 * asks about half of its programs again. A timeout or out-of-memory outcome is not kept: those depend on the
 * machine's load and the engine's state, and the runner retries them.
 */
import type { ProgramCall, ProgramOutcome } from './runner.js';

/** Outcomes by source, then by args (`''` for a plain source, else the args' JSON). */
export type OutcomeMemo = Map<string, Map<string, ProgramOutcome>>;

const argsKey = (c: ProgramCall): string => (typeof c === 'string' ? '' : JSON.stringify(c.args));
const sourceOf = (c: ProgramCall): string => (typeof c === 'string' ? c : c.source);
const reusable = (o: ProgramOutcome): boolean => o.ok || (o.kind !== 'timeout' && o.kind !== 'memory');
/** Each call its own outcome object, and its own copy of a returned object or array (a caller may change it). */
const copyOf = (o: ProgramOutcome): ProgramOutcome =>
  o.ok && typeof o.value === 'object' && o.value !== null ? { ok: true, value: structuredClone(o.value) } : { ...o };

export interface CallPlan {
  /** The distinct calls the memo has no outcome for, in first-asked order: what the runner must run. */
  toRun: ProgramCall[];
  /** Every call's outcome, given the outcomes of `toRun` in order; keeps the reusable ones in the memo. */
  outcomes(fresh: readonly ProgramOutcome[]): ProgramOutcome[];
}

export function planCalls(memo: OutcomeMemo, calls: readonly ProgramCall[]): CallPlan {
  const toRun: ProgramCall[] = [];
  // The args key of each call in toRun, made once: it is the call's JSON.
  const runArgs: string[] = [];
  const queued = new Map<string, Map<string, number>>();
  // Per call: the outcome the memo has for it, else its position in toRun.
  const at = calls.map((c): ProgramOutcome | number => {
    const source = sourceOf(c);
    const args = argsKey(c);
    const known = memo.get(source)?.get(args);
    if (known) return known;
    let bySource = queued.get(source);
    if (!bySource) queued.set(source, (bySource = new Map()));
    let k = bySource.get(args);
    if (k === undefined) {
      bySource.set(args, (k = toRun.length));
      toRun.push(c);
      runArgs.push(args);
    }
    return k;
  });
  return {
    toRun,
    outcomes(fresh) {
      if (fresh.length !== toRun.length) throw new Error(`the runner answered ${fresh.length} outcomes for ${toRun.length} programs`);
      toRun.forEach((c, k) => {
        const o = fresh[k]!;
        if (!reusable(o)) return;
        const source = sourceOf(c);
        let bySource = memo.get(source);
        if (!bySource) memo.set(source, (bySource = new Map()));
        // The first call takes `o` itself below, so the memo keeps its own copy.
        bySource.set(runArgs[k]!, copyOf(o));
      });
      const served = new Uint8Array(toRun.length);
      return at.map((k) => {
        if (typeof k !== 'number') return copyOf(k);
        return served[k]!++ === 0 ? fresh[k]! : copyOf(fresh[k]!);
      });
    },
  };
}
