import { describe, expect, it } from 'vitest';
import type { HeatmapData } from '../../src/shared/api.js';
import { NO_DATA, rgbCss } from '../../src/renderer/src/lib/colorScale.js';
import { drillFilter, parseBinLabel } from '../../src/renderer/src/lib/heatmapDrill.js';
import { formatMetric, heatmapLayout, metricScale, orderLabels, tooltipLines } from '../../src/renderer/src/views/heatmaps/heatmapLayout.js';

const data: HeatmapData = {
  query: { runId: 'r', kind: 'family-round', metric: 'confidence' },
  rows: ['object_rel_distance', 'object_counting'],
  cols: ['10', '2', '0'],
  cells: [
    { row: 'object_counting', col: '0', value: 0.25, n: 4 },
    { row: 'object_rel_distance', col: '10', value: null, n: 0 },
    { row: 'object_counting', col: '2', value: 1, n: 7 },
  ],
};

describe('heatmap layout', () => {
  it('orders families by vocabulary and rounds numerically', () => {
    const l = heatmapLayout(data, { cellW: 50, cellH: 20, rowLabelW: 100, colLabelH: 30 });
    expect(l.rows.map((r) => r.label)).toEqual(['object_counting', 'object_rel_distance']);
    expect(l.cols.map((c) => c.label)).toEqual(['0', '2', '10']);
    expect(l.width).toBe(100 + 3 * 50);
    expect(l.height).toBe(30 + 2 * 20);
    const c = l.cells.find((x) => x.row === 'object_counting' && x.col === '2')!;
    expect([c.x, c.y, c.w, c.h]).toEqual([150, 30, 49, 19]);
    expect(c.text).toBe('1.00');
    const empty = l.cells.find((x) => x.value === null)!;
    expect(empty.fill).toBe(rgbCss(NO_DATA));
    expect(empty.text).toBe('');
    expect(l.rowLabelX).toBe(92);
  });

  it('keeps non-numeric, non-family labels in the host order', () => {
    expect(orderLabels(['scene-b', 'scene-a'], 'other')).toEqual(['scene-b', 'scene-a']);
    expect(orderLabels(['x', 'object_counting'], 'family')).toEqual(['object_counting', 'x']);
  });

  it('scales shares to [0, 1] and counts to their maximum', () => {
    expect(metricScale('easy', data.cells).domain).toEqual([0, 1]);
    expect(metricScale('count', [{ row: 'a', col: 'b', value: 40, n: 40 }]).domain).toEqual([0, 40]);
    expect(metricScale('count', []).domain).toEqual([0, 1]);
  });

  it('formats metrics and tooltips with exact numbers and n', () => {
    expect(formatMetric('confidence', 0.12345)).toBe('0.123');
    expect(formatMetric('frontier', 0.5)).toBe('50.0%');
    expect(formatMetric('count', 12)).toBe('12');
    expect(formatMetric('accuracy', null)).toBe('no samples');
    const lines = tooltipLines({ runId: 'r', kind: 'scene-family', metric: 'hard' }, { row: 's1', col: 'object_counting', value: 0.125, n: 8 });
    expect(lines).toEqual(['scene: s1', 'family: object_counting', 'Hard share: 12.5% (0.1250)', 'n = 8']);
  });

  it('drills into the QA filter a cell stands for', () => {
    const cell = { row: 'object_counting', col: '2', value: 0.3, n: 3 };
    expect(drillFilter({ runId: 'r', kind: 'family-round', metric: 'confidence' }, cell)).toEqual({ family: 'object_counting', round: 2 });
    expect(drillFilter({ runId: 'r', kind: 'family-round', metric: 'frontier' }, cell)).toEqual({ family: 'object_counting', round: 2, bucket: 'frontier' });
    expect(drillFilter({ runId: 'r', kind: 'scene-family', metric: 'count' }, { row: 'scannet:x', col: 'object_counting', value: 1, n: 1 })).toEqual({
      sceneId: 'scannet:x',
      family: 'object_counting',
    });
    expect(drillFilter({ runId: 'r', kind: 'bin-round', metric: 'hard', family: 'object_counting' }, { row: '1', col: 'round 3', value: 1, n: 1 })).toEqual({
      bin: 1,
      family: 'object_counting',
      round: 3,
      bucket: 'hard',
    });
    expect(drillFilter({ runId: 'r', kind: 'bin-round', metric: 'count' }, { row: 'object_rel_size/2', col: '0', value: 1, n: 1 })).toEqual({
      bin: 2,
      family: 'object_rel_size',
      round: 0,
    });
  });

  it('reads bin labels in the forms a host may use', () => {
    expect(parseBinLabel('3')).toEqual({ bin: 3 });
    expect(parseBinLabel('bin 2')).toEqual({ bin: 2 });
    expect(parseBinLabel('object_counting · 1')).toEqual({ family: 'object_counting', bin: 1 });
    expect(parseBinLabel('object_counting:0')).toEqual({ family: 'object_counting', bin: 0 });
    expect(parseBinLabel('easy')).toEqual({});
  });
});
