import { describe, expect, it } from 'vitest';
import type { CurveSeries } from '../../src/shared/api.js';
import { buildChart, curveFamilies, formatSamples, nearestPoint, seriesDash } from '../../src/renderer/src/views/curves/curves.js';

const series: CurveSeries[] = [
  {
    runId: 'a',
    name: 'closed',
    mode: 'closed-loop',
    points: [
      { samplesSeen: 2000, round: 1, overall: 0.5, families: { object_rel_size: 0.4, object_counting: 0.6 } },
      { samplesSeen: 1000, round: 0, overall: 0.25, families: { object_counting: 0.3 } },
    ],
  },
  { runId: 'b', name: 'baseline', mode: 'no-feedback', points: [{ samplesSeen: 4000, round: 1, overall: 0.375, families: {} }] },
  { runId: 'c', name: 'empty', mode: 'static', points: [] },
];

const box = { width: 500, height: 300, margin: { top: 10, right: 10, bottom: 40, left: 50 } };

describe('learning curves', () => {
  it('puts every run on shared axes: x samples seen, y score', () => {
    const chart = buildChart(series, box, (p) => p.overall);
    expect(chart.xDomain).toEqual([0, 4000]);
    expect(chart.yDomain).toEqual([0, 1]);
    const a = chart.lines[0]!;
    // Sorted by samples seen.
    expect(a.points.map((p) => p.samplesSeen)).toEqual([1000, 2000]);
    expect(a.points[0]!.x).toBeCloseTo(50 + (1000 / 4000) * 440);
    expect(a.points[0]!.y).toBeCloseTo(10 + 250 - 0.25 * 250);
    expect(a.d.startsWith('M')).toBe(true);
    expect(a.d.split('L')).toHaveLength(2);
    expect(chart.lines[2]!.d).toBe('');
    expect(chart.yTicks.map((t) => t.label)).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(chart.xTicks.at(-1)!.label).toBe('4.0k');
  });

  it('draws the closed loop solid and baselines dashed or dotted', () => {
    const chart = buildChart(series, box, (p) => p.overall);
    expect(chart.lines.map((l) => l.dash)).toEqual(['', seriesDash('no-feedback'), seriesDash('static')]);
    expect(seriesDash('no-feedback')).not.toBe(seriesDash('static'));
    expect(new Set(chart.lines.map((l) => l.color)).size).toBe(3);
  });

  it('plots one family per small multiple, skipping points without it', () => {
    const chart = buildChart(series, box, (p) => p.families.object_rel_size);
    expect(chart.lines[0]!.points).toHaveLength(1);
    expect(chart.lines[1]!.points).toHaveLength(0);
    expect(curveFamilies(series)).toEqual(['object_counting', 'object_rel_size']);
  });

  it('finds the nearest point for hover', () => {
    const chart = buildChart(series, box, (p) => p.overall);
    const p = chart.lines[1]!.points[0]!;
    const hit = nearestPoint(chart, p.x + 3, p.y - 2);
    expect(hit?.line.runId).toBe('b');
    expect(nearestPoint(chart, 0, 0)).toBeNull();
  });

  it('formats sample counts', () => {
    expect(formatSamples(999)).toBe('999');
    expect(formatSamples(1500)).toBe('1.5k');
    expect(formatSamples(25_000)).toBe('25k');
    expect(formatSamples(3_000_000)).toBe('3.0M');
  });
});
