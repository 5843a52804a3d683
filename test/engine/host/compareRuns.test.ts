import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkbenchHost, type WorkbenchHost } from '../../../src/engine/host/index.js';
import { DEFAULT_LOOP_CONFIG } from '../../../src/engine/loop/config.js';
import type { RunGroup } from '../../../src/shared/api.js';
import { T1, T2, writeRuns, type HandRun } from './analysisFixtures.js';

/**
 * Three settings × seeds, scores chosen so every figure can be worked out by hand:
 *   A (closed loop)        seeds 0, 1, 2: round 0 0.55 0.56 0.57, round 1 0.60 0.62 0.64
 *   B (no feedback)        seeds 0, 1, 2: round 0 0.55 0.55 0.55, round 1 0.57 0.58 0.59
 *   C (static, 100 samples) seeds 0, 1:   round 0 0.50 0.50,      round 1 0.70 0.50
 * every run starting from a model scoring 0.5. Beside them: a running and a failed run, a completed run with no
 * held-out score, and an older rerun of A's seed 0 (same settings and seeds) scoring 0.10, which must not count.
 */
const run = (id: string, config: HandRun['config'], scores: number[], extra: Partial<HandRun> = {}): HandRun => ({
  id,
  name: `${String(config.mode)}${config.mode === 'static' ? ' 100' : ''}, seed ${String(config.seed)}`,
  config: { scenes: ['synthetic:4'], rounds: 2, ...config },
  scores,
  base: 0.5,
  samples: [100, 200],
  ...extra,
});
const A = (seed: number) => ({ mode: 'closed-loop', strategy: 'reference', seed });
const B = (seed: number) => ({ mode: 'no-feedback', seed });
const C = (seed: number) => ({ mode: 'static', staticSamples: 100, seed });

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ouroboros-compare-'));
  await writeRuns(dir, [
    run('a0-old', A(0), [0.1, 0.1]),
    run('a0', A(0), [0.55, 0.6]),
    // Stored with the default spelled out: a run from a build that wrote `balance` groups with ones that did not.
    run('a1', { ...A(1), balance: 'none' }, [0.56, 0.62]),
    run('a2', A(2), [0.57, 0.64]),
    run('b0', B(0), [0.55, 0.57]),
    run('b1', B(1), [0.55, 0.58]),
    run('b2', B(2), [0.55, 0.59]),
    run('c0', C(0), [0.5, 0.7]),
    run('c1', C(1), [0.5, 0.5]),
    run('live', B(3), [0.55], { status: 'running' }),
    run('broken', B(4), [0.55], { status: 'failed' }),
    run('unscored', B(5), []),
  ]);
  return () => rmSync(dir, { recursive: true, force: true });
});

const hosts: WorkbenchHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});
function open(): WorkbenchHost {
  const h = createWorkbenchHost({ workspaceDir: dir, readonly: true, transport: 'http', watchIntervalMs: 0 });
  hosts.push(h);
  return h;
}

function byMode(groups: readonly RunGroup[], mode: string): RunGroup {
  const g = groups.find((x) => x.settings.mode === mode);
  if (!g) throw new Error(`no ${mode} group`);
  return g;
}

describe('compareRuns: completed runs grouped by settings across seeds', () => {
  it('groups by the settings minus seed, dataSeed and name, one run per seed, and says what it left out and why', async () => {
    const c = await open().compareRuns();
    expect(c.groups.map((g) => g.settings.mode)).toEqual(['closed-loop', 'no-feedback', 'static']);
    expect(c.groups.map((g) => g.runs.map((r) => r.runId))).toEqual([['a0', 'a1', 'a2'], ['b0', 'b1', 'b2'], ['c0', 'c1']]);
    for (const g of c.groups) {
      expect(g.key).toMatch(/^[0-9a-f]{16}$/);
      expect(Object.keys(g.settings)).not.toContain('seed');
      expect(Object.keys(g.settings)).not.toContain('dataSeed');
      expect(Object.keys(g.settings)).not.toContain('name');
    }
    // The settings where the groups differ make the labels; strategy is the default everywhere, so it is not one.
    expect(c.differing).toEqual(['mode', 'staticSamples']);
    expect(c.groups.map((g) => g.label)).toEqual([
      `mode: closed-loop · staticSamples: ${DEFAULT_LOOP_CONFIG.staticSamples}`,
      `mode: no-feedback · staticSamples: ${DEFAULT_LOOP_CONFIG.staticSamples}`,
      'mode: static · staticSamples: 100',
    ]);
    expect(c.groups.map((g) => g.title)).toEqual(['closed-loop', 'no-feedback', 'static 100']);
    expect(Object.fromEntries(c.excluded.map((e) => [e.runId, e.reason]))).toEqual({
      live: 'running, not completed',
      broken: 'failed, not completed',
      unscored: 'no held-out score',
      'a0-old': 'same settings and seeds as the newer run "closed-loop, seed 0" (a0), which is counted',
    });
    expect(c.difference).toBeNull();
  });

  it("gives each group's held-out score per round as mean ± Student-t 95% interval and n", async () => {
    const c = await open().compareRuns();
    const a = byMode(c.groups, 'closed-loop');
    expect(a.rounds.map((r) => [r.round, r.score.n, r.samplesSeen])).toEqual([
      [-1, 3, 0],
      [0, 3, 100],
      [1, 3, 200],
    ]);
    // Round 1: 0.60, 0.62, 0.64 → mean 0.62, sd 0.02, half-width t(2) · 0.02 / √3.
    const r1 = a.rounds[2]!.score;
    expect(r1.mean).toBeCloseTo(0.62, 12);
    expect(r1.sd).toBeCloseTo(0.02, 12);
    expect(r1.halfWidth).toBeCloseTo((T2 * 0.02) / Math.sqrt(3), 9);
    expect(r1.lo).toBeCloseTo(0.62 - (T2 * 0.02) / Math.sqrt(3), 9);
    // The starting model: 0.5 three times → no spread, a zero-width interval.
    expect(a.rounds[0]!.score).toMatchObject({ n: 3, mean: 0.5, sd: 0, halfWidth: 0 });
    // C, two seeds: 0.70 and 0.50 → mean 0.60, sd 0.1414…, half-width t(1) · sd / √2 = 12.7062 · 0.1.
    const c1 = byMode(c.groups, 'static').rounds[2]!.score;
    expect(c1.n).toBe(2);
    expect(c1.mean).toBeCloseTo(0.6, 12);
    expect(c1.halfWidth).toBeCloseTo(T1 * 0.1, 9);
  });

  it('differences two groups seed by seed: an interval above 0 is better, one holding 0 is no difference', async () => {
    const first = await open().compareRuns();
    const [a, b, cg] = [byMode(first.groups, 'closed-loop'), byMode(first.groups, 'no-feedback'), byMode(first.groups, 'static')];
    const c = await open().compareRuns({ a: a.key, b: b.key });
    expect(c.difference?.a).toBe(a.key);
    const [start, r0, r1] = c.difference!.rounds;
    expect(start).toMatchObject({ round: -1, difference: { n: 3, mean: 0, verdict: 'no difference' } });
    // Round 0: A − B = 0, 0.01, 0.02 → mean 0.01, sd 0.01, interval 0.01 ± 0.0248: holds 0.
    expect(r0!.pairs).toEqual([
      { seed: 0, dataSeed: 0, a: 0.55, b: 0.55 },
      { seed: 1, dataSeed: 0, a: 0.56, b: 0.55 },
      { seed: 2, dataSeed: 0, a: 0.57, b: 0.55 },
    ]);
    expect(r0!.difference.mean).toBeCloseTo(0.01, 12);
    expect(r0!.difference.halfWidth).toBeCloseTo((T2 * 0.01) / Math.sqrt(3), 9);
    expect(r0!.difference.verdict).toBe('no difference');
    // Round 1: 0.03, 0.04, 0.05 → mean 0.04 ± 0.0248: [0.0152, 0.0648], above 0.
    expect(r1!.difference.mean).toBeCloseTo(0.04, 12);
    expect(r1!.difference.lo).toBeCloseTo(0.04 - (T2 * 0.01) / Math.sqrt(3), 9);
    expect(r1!.difference.hi).toBeCloseTo(0.04 + (T2 * 0.01) / Math.sqrt(3), 9);
    expect(r1!.difference.verdict).toBe('better');
    // The other way round: the same interval, negated, "worse".
    const back = (await open().compareRuns({ a: b.key, b: a.key })).difference!.rounds[2]!.difference;
    expect(back.mean).toBeCloseTo(-0.04, 12);
    expect(back.verdict).toBe('worse');
    // Against C only seeds 0 and 1 pair: A − C = −0.10, +0.12 → mean 0.01, a huge interval: no difference.
    const ac = (await open().compareRuns({ a: a.key, b: cg.key })).difference!.rounds[2]!;
    expect(ac.pairs.map((p) => p.seed)).toEqual([0, 1]);
    expect(ac.difference.mean).toBeCloseTo(0.01, 12);
    expect(ac.difference.halfWidth).toBeCloseTo((T1 * Math.sqrt(((-0.11) ** 2 + 0.11 ** 2) / 1)) / Math.sqrt(2), 9);
    expect(ac.difference.verdict).toBe('no difference');
  });

  it('compares only the runs asked for, and names a group key it does not know', async () => {
    const host = open();
    const c = await host.compareRuns({ runIds: ['b0', 'b1', 'c0', 'live'] });
    expect(c.groups.map((g) => g.runs.map((r) => r.runId))).toEqual([['b0', 'b1'], ['c0']]);
    expect(c.excluded.map((e) => e.runId)).toEqual(['live']);
    await expect(host.compareRuns({ a: 'feedfacefeedface', b: c.groups[0]!.key })).rejects.toThrow(/^compareRuns\(query\)\.a: no group with key "feedfacefeedface"/);
    await expect(host.compareRuns({ a: c.groups[0]!.key })).rejects.toThrow(/^compareRuns\(query\)\.b: expected a group key beside a/);
    await expect(host.compareRuns({ a: c.groups[0]!.key, b: c.groups[0]!.key })).rejects.toThrow(/names the same group as a/);
  });
});
