/**
 * Heatmaps over a run's accepted questions: rows × columns of (family | scene | difficulty bin) × (round |
 * family), each cell the mean solver confidence, the accuracy of the latest answer, the share of answered
 * questions in a bucket, or the number of questions. Rejected questions are never answered, so they are left
 * out. Accuracy is VSI-Bench's per-question score (exact letter for choices, mean relative accuracy for
 * numbers) of the latest solver output, so a cell reads like the benchmark does.
 */
import type { HeatmapCell, HeatmapData, HeatmapQuery } from '../../shared/api.js';
import { FAMILIES } from '../../shared/proposer.js';
import { scorePrediction } from '../eval/vsiScore.js';
import { countQaCells, latestQaAnswers, type QaAxis, type QaCellQuery } from '../store/qaCells.js';
import { getRun } from '../store/runs.js';
import type { Store } from '../store/store.js';

const AXES: Record<HeatmapQuery['kind'], { row: QaAxis; col: QaAxis; rowKind: AxisKind; colKind: AxisKind }> = {
  'family-round': { row: 'family', col: 'round', rowKind: 'family', colKind: 'number' },
  'scene-family': { row: 'scene', col: 'family', rowKind: 'text', colKind: 'family' },
  'bin-round': { row: 'bin', col: 'round', rowKind: 'number', colKind: 'number' },
};

type AxisKind = 'family' | 'number' | 'text';

function sortAxis(values: Iterable<string>, kind: AxisKind): string[] {
  const list = [...new Set(values)];
  if (kind === 'number') return list.sort((a, b) => Number(a) - Number(b));
  if (kind === 'family') {
    // The proposer's order (VSI-Bench's families first), then any family this build does not know.
    const rank = (f: string): number => {
      const i = (FAMILIES as readonly string[]).indexOf(f);
      return i < 0 ? FAMILIES.length : i;
    };
    return list.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
  return list.sort((a, b) => a.localeCompare(b));
}

export function buildHeatmap(store: Store, query: HeatmapQuery): HeatmapData {
  getRun(store, query.runId);
  const axes = AXES[query.kind];
  const cellQuery: QaCellQuery = {
    runId: query.runId,
    row: axes.row,
    col: axes.col,
    ...(query.kind === 'bin-round' && query.family !== undefined ? { family: query.family } : {}),
  };
  const groups = countQaCells(store, cellQuery);
  const accuracy = query.metric === 'accuracy' ? accuracyByCell(store, cellQuery) : undefined;
  const cells: HeatmapCell[] = groups.map((g) => {
    const row = String(g.row);
    const col = String(g.col);
    switch (query.metric) {
      case 'count':
        return { row, col, value: g.total, n: g.total };
      case 'confidence':
        return { row, col, value: g.answered > 0 ? g.meanConfidence : null, n: g.answered };
      case 'accuracy': {
        const a = accuracy!.get(cellKey(row, col));
        return { row, col, value: a ? a.sum / a.n : null, n: a?.n ?? 0 };
      }
      default:
        return { row, col, value: g.answered > 0 ? g[query.metric] / g.answered : null, n: g.answered };
    }
  });

  return {
    query,
    rows: sortAxis(
      cells.map((c) => c.row),
      axes.rowKind,
    ),
    cols: sortAxis(
      cells.map((c) => c.col),
      axes.colKind,
    ),
    cells,
  };
}

const cellKey = (row: string, col: string): string => `${row}\u0000${col}`;

function accuracyByCell(store: Store, cellQuery: QaCellQuery): Map<string, { sum: number; n: number }> {
  const rows = latestQaAnswers(store, cellQuery);
  const sums = new Map<string, { sum: number; n: number }>();
  for (const row of rows) {
    if (row.answer === null || row.prediction === null) continue;
    let score: number;
    try {
      score = scorePrediction(row.family, row.prediction, row.answer);
    } catch {
      continue; // a ground truth MRA cannot score (0): the benchmark leaves such questions out too
    }
    const key = cellKey(String(row.row), String(row.col));
    const s = sums.get(key) ?? { sum: 0, n: 0 };
    s.sum += score;
    s.n++;
    sums.set(key, s);
  }
  return sums;
}
