import { describe, expect, it } from 'vitest';
import { cloudGenerator, DEFAULT_FRAMES, DEFAULT_SIZES, parseBenchParams, summarizeFrames, syntheticCloud } from '../../../../src/renderer/src/views/bench/benchData.js';

describe('viewer benchmark data', () => {
  it('defaults to 1M / 5M / 10M points and reads overrides', () => {
    expect(parseBenchParams({})).toEqual({ sizes: DEFAULT_SIZES, frames: DEFAULT_FRAMES, auto: false });
    expect(DEFAULT_SIZES).toEqual([1_000_000, 5_000_000, 10_000_000]);
    expect(parseBenchParams({ sizes: '1000, 2000,x,-5', frames: '30', auto: '1' })).toEqual({ sizes: [1000, 2000], frames: 30, auto: true });
    expect(parseBenchParams({ frames: '1' }).frames).toBe(DEFAULT_FRAMES);
  });

  it('generates a deterministic room-sized cloud', () => {
    const a = syntheticCloud(20_000, 3);
    const b = syntheticCloud(20_000, 3);
    expect(a.positions.every((v, i) => v === b.positions[i])).toBe(true);
    expect(a.colors.every((v, i) => v === b.colors[i])).toBe(true);
    expect(a.positions.length).toBe(60_000);
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < a.positions.length; i++) {
      lo[i % 3] = Math.min(lo[i % 3]!, a.positions[i]!);
      hi[i % 3] = Math.max(hi[i % 3]!, a.positions[i]!);
    }
    expect(lo.every((v) => v >= 0)).toBe(true);
    expect(hi[0]).toBeLessThanOrEqual(8);
    expect(hi[1]).toBeLessThanOrEqual(6);
    expect(hi[2]).toBeLessThanOrEqual(3);
    expect([...syntheticCloud(100, 4).positions]).not.toEqual([...syntheticCloud(100, 3).positions]);
  });

  it('makes the same cloud a slice at a time, so the page can breathe between slices (issue 14)', () => {
    const whole = syntheticCloud(10_007, 5);
    const g = cloudGenerator(10_007, 5);
    let slices = 0;
    while (g.done() < 10_007) {
      g.fill(1000);
      slices++;
    }
    expect(slices).toBe(11);
    expect(g.done()).toBe(10_007);
    expect(g.cloud.positions.every((v, i) => v === whole.positions[i])).toBe(true);
    expect(g.cloud.colors.every((v, i) => v === whole.colors[i])).toBe(true);
  });

  it('summarises frame times', () => {
    const r = summarizeFrames(1000, 5, 12, [1, 2, 3, 4, 10], [16, 17, 16, 17]);
    expect(r).toMatchObject({ points: 1000, generateMs: 5, uploadMs: 12, frames: 5, meanMs: 4 });
    expect(r.p95Ms).toBeCloseTo(8.8);
    expect(r.meanIntervalMs).toBe(16.5);
    expect(r.fps).toBeCloseTo(1000 / 16.5);
  });
});
