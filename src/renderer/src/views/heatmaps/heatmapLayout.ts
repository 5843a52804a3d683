/**
 * Heatmap geometry and semantics: cell rectangles and colours for an SVG grid, the colour domain per metric and
 * exact-number tooltips. The QA-explorer filter a click on a cell drills into is lib/heatmapDrill.ts (the
 * heatmap store applies it).
 */
import type { HeatmapCell, HeatmapData, HeatmapKind, HeatmapMetric, HeatmapQuery } from '../../../../shared/api.js';
import { linearScale, textOn, type LinearScale, type RampName } from '../../lib/colorScale.js';
import { sortFamilies } from '../../lib/families.js';

export const HEATMAP_KINDS: readonly { kind: HeatmapKind; label: string; rows: string; cols: string }[] = [
  { kind: 'family-round', label: 'Family × round', rows: 'family', cols: 'round' },
  { kind: 'scene-family', label: 'Scene × family', rows: 'scene', cols: 'family' },
  { kind: 'bin-round', label: 'Difficulty bin × round', rows: 'difficulty bin', cols: 'round' },
];

export const HEATMAP_METRICS: readonly { metric: HeatmapMetric; label: string }[] = [
  { metric: 'confidence', label: 'Mean confidence' },
  { metric: 'accuracy', label: 'Accuracy' },
  { metric: 'easy', label: 'Easy share' },
  { metric: 'frontier', label: 'Frontier share' },
  { metric: 'hard', label: 'Hard share' },
  { metric: 'count', label: 'Count' },
];

export function metricLabel(metric: HeatmapMetric): string {
  return HEATMAP_METRICS.find((m) => m.metric === metric)?.label ?? metric;
}

export function isShareMetric(metric: HeatmapMetric): boolean {
  return metric !== 'count';
}

export function formatMetric(metric: HeatmapMetric, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return 'no samples';
  if (metric === 'count') return String(Math.round(v));
  if (metric === 'confidence') return v.toFixed(3);
  return `${(v * 100).toFixed(1)}%`;
}

/** Short form for legend ticks. */
export function formatLegendValue(metric: HeatmapMetric, v: number): string {
  if (metric === 'count') return String(Math.round(v));
  if (metric === 'confidence') return v.toFixed(2);
  return `${Math.round(v * 100)}%`;
}

export function metricRamp(metric: HeatmapMetric): RampName {
  return metric === 'confidence' ? 'confidence' : 'viridis';
}

export function metricScale(metric: HeatmapMetric, cells: readonly HeatmapCell[]): LinearScale {
  if (metric !== 'count') return linearScale([0, 1], metricRamp(metric));
  let hi = 0;
  for (const c of cells) if (c.value !== null && Number.isFinite(c.value)) hi = Math.max(hi, c.value);
  return linearScale([0, Math.max(1, hi)], 'viridis');
}

const numeric = (s: string): boolean => /^-?\d+(\.\d+)?$/.test(s.trim());

/** Columns/rows in display order: numeric labels numerically, families in vocabulary order, others as given. */
export function orderLabels(labels: readonly string[], axis: 'family' | 'other'): string[] {
  const uniq = [...new Set(labels)];
  if (uniq.length > 0 && uniq.every(numeric)) return uniq.sort((a, b) => Number(a) - Number(b));
  if (axis === 'family') return sortFamilies(uniq);
  return uniq;
}

export interface LayoutCell extends HeatmapCell {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  textColor: string;
  text: string;
}

export interface HeatmapLayout {
  width: number;
  height: number;
  rows: { label: string; y: number }[];
  cols: { label: string; x: number }[];
  cells: LayoutCell[];
  scale: LinearScale;
  /** Whether cells are large enough to print their value. */
  showValues: boolean;
  /** Right edge of the row labels and baseline of the column labels. */
  rowLabelX: number;
  colLabelY: number;
}

export interface LayoutOptions {
  cellW: number;
  cellH: number;
  rowLabelW: number;
  colLabelH: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { cellW: 56, cellH: 24, rowLabelW: 220, colLabelH: 28 };

export function heatmapLayout(data: HeatmapData, opts: LayoutOptions = DEFAULT_LAYOUT): HeatmapLayout {
  const { kind, metric } = data.query;
  const rowAxis = kind === 'family-round' ? 'family' : 'other';
  const colAxis = kind === 'scene-family' ? 'family' : 'other';
  const rowLabels = orderLabels([...data.rows, ...data.cells.map((c) => c.row)], rowAxis);
  const colLabels = orderLabels([...data.cols, ...data.cells.map((c) => c.col)], colAxis);
  const rowIndex = new Map(rowLabels.map((r, i) => [r, i]));
  const colIndex = new Map(colLabels.map((c, i) => [c, i]));
  const scale = metricScale(metric, data.cells);
  const showValues = opts.cellW >= 40 && opts.cellH >= 16;
  const cells: LayoutCell[] = [];
  for (const c of data.cells) {
    const ri = rowIndex.get(c.row);
    const ci = colIndex.get(c.col);
    if (ri === undefined || ci === undefined) continue;
    const rgb = scale.color(c.value);
    cells.push({
      ...c,
      key: `${c.row}\u0000${c.col}`,
      x: opts.rowLabelW + ci * opts.cellW,
      y: opts.colLabelH + ri * opts.cellH,
      w: opts.cellW - 1,
      h: opts.cellH - 1,
      fill: scale.css(c.value),
      textColor: textOn(rgb),
      text: c.value === null ? '' : metric === 'count' ? String(Math.round(c.value)) : metric === 'confidence' ? c.value.toFixed(2) : `${Math.round(c.value * 100)}`,
    });
  }
  return {
    width: opts.rowLabelW + colLabels.length * opts.cellW,
    height: opts.colLabelH + rowLabels.length * opts.cellH,
    rows: rowLabels.map((label, i) => ({ label, y: opts.colLabelH + i * opts.cellH + opts.cellH / 2 })),
    cols: colLabels.map((label, i) => ({ label, x: opts.rowLabelW + i * opts.cellW + opts.cellW / 2 })),
    cells,
    scale,
    showValues,
    rowLabelX: opts.rowLabelW - 8,
    colLabelY: opts.colLabelH - 8,
  };
}

export function tooltipLines(query: HeatmapQuery, cell: HeatmapCell): string[] {
  const kind = HEATMAP_KINDS.find((k) => k.kind === query.kind)!;
  return [
    `${kind.rows}: ${cell.row}`,
    `${kind.cols}: ${cell.col}`,
    `${metricLabel(query.metric)}: ${formatMetric(query.metric, cell.value)}${cell.value !== null && query.metric !== 'count' && query.metric !== 'confidence' ? ` (${cell.value.toFixed(4)})` : ''}`,
    `n = ${cell.n}`,
  ];
}
