/**
 * Heatmaps over a run's accepted questions: rows × columns of (family | scene | difficulty bin) × (iteration |
 * family), each cell the mean solver confidence, the accuracy of the latest answer, the share of answered
 * questions in a bucket, or the number of questions. Rejected questions are never answered, so they are left
 * out. Accuracy is VSI-Bench's per-question score (exact letter for choices, mean relative accuracy for
 * numbers) of the latest solver output, so a cell reads like the benchmark does.
 */
import type { HeatmapCell, HeatmapData, HeatmapQuery } from '../../shared/api.js';
import { FAMILIES } from '../../shared/proposer.js';
import { scorePrediction } from '../eval/vsiScore.js';
import { getRun } from '../store/runs.js';
import type { Store } from '../store/store.js';

const AXES: Record<HeatmapQuery['kind'], { row: string; col: string; rowKind: AxisKind; colKind: AxisKind }> = {
  'family-iteration': { row: 'family', col: 'iteration', rowKind: 'family', colKind: 'number' },
  'scene-family': { row: 'scene_id', col: 'family', rowKind: 'text', colKind: 'family' },
  'bin-iteration': { row: 'bin', col: 'iteration', rowKind: 'number', colKind: 'number' },
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

interface GroupRow {
  r: string | number;
  c: string | number;
  total: number;
  answered: number;
  meanConfidence: number | null;
  easy: number;
  frontier: number;
  hard: number;
}

interface AnswerRow {
  r: string | number;
  c: string | number;
  family: string;
  answer: string | number | null;
  prediction: string | null;
}

export function buildHeatmap(store: Store, query: HeatmapQuery): HeatmapData {
  getRun(store, query.runId);
  const axes = AXES[query.kind];
  const conditions = [`run_id = ?`, `verdict = 'accepted'`];
  const params: unknown[] = [query.runId];
  if (query.kind === 'bin-iteration' && query.family !== undefined) {
    conditions.push('family = ?');
    params.push(query.family);
  }
  const where = conditions.join(' AND ');
  const groups = store
    .prepare(
      `SELECT ${axes.row} AS r, ${axes.col} AS c, count(*) AS total, count(bucket) AS answered, avg(confidence) AS meanConfidence,
              sum(bucket = 'easy') AS easy, sum(bucket = 'frontier') AS frontier, sum(bucket = 'hard') AS hard
       FROM qa WHERE ${where} GROUP BY r, c`,
    )
    .all(...params) as GroupRow[];
  const accuracy = query.metric === 'accuracy' ? accuracyByCell(store, axes, where, params) : undefined;
  const cells: HeatmapCell[] = groups.map((g) => {
    const row = String(g.r);
    const col = String(g.c);
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

function accuracyByCell(store: Store, axes: { row: string; col: string }, where: string, params: unknown[]): Map<string, { sum: number; n: number }> {
  // The latest answer per question, as the bucket trigger picks it: highest iteration, then newest row.
  const rows = store
    .prepare(
      `SELECT ${axes.row} AS r, ${axes.col} AS c, family, answer,
              (SELECT s.prediction FROM solver_outputs s WHERE s.qa_id = qa.id ORDER BY s.iteration DESC, s.id DESC LIMIT 1) AS prediction
       FROM qa WHERE ${where} AND bucket IS NOT NULL`,
    )
    .all(...params) as AnswerRow[];
  const sums = new Map<string, { sum: number; n: number }>();
  for (const row of rows) {
    if (row.answer === null || row.prediction === null) continue;
    let score: number;
    try {
      score = scorePrediction(row.family, row.prediction, row.answer);
    } catch {
      continue; // a ground truth MRA cannot score (0): the benchmark leaves such questions out too
    }
    const key = cellKey(String(row.r), String(row.c));
    const s = sums.get(key) ?? { sum: 0, n: 0 };
    s.sum += score;
    s.n++;
    sums.set(key, s);
  }
  return sums;
}
