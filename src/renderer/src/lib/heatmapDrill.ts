/**
 * The QA-explorer filter a click on a heatmap cell drills into, read back from the cell's row and column labels.
 * The heatmap store applies it, so it lives in lib/ (stores never import views).
 */
import type { HeatmapCell, HeatmapQuery } from '../../../shared/api.js';
import type { Bucket } from '../../../shared/proposer.js';

/** Filter the QA explorer applies when a cell is clicked. */
export interface DrillFilter {
  /** Always 'accepted': the heatmaps count accepted questions only (rejected ones are never answered). */
  verdict: 'accepted';
  /** true for every metric but count: those cells count only the questions the solver has answered. */
  answered?: boolean;
  family?: string;
  round?: number;
  sceneId?: string;
  bin?: number;
  bucket?: Bucket;
}

function parseRound(s: string): number | undefined {
  const m = /(-?\d+)\s*$/.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

/** A bin row label: "2", "bin 2", or "<family>/2" (also ":", "#", " · ") when rows span all families. */
export function parseBinLabel(s: string): { family?: string; bin?: number } {
  const t = s.trim();
  if (/^\d+$/.test(t)) return { bin: Number(t) };
  const m = /^(.*?)(?:\s*[/:#·|]\s*|\s+)(?:bin\s*)?(\d+)$/i.exec(t);
  if (!m) return {};
  const family = m[1]!.trim();
  return family && family.toLowerCase() !== 'bin' ? { family, bin: Number(m[2]) } : { bin: Number(m[2]) };
}

export function drillFilter(query: HeatmapQuery, cell: HeatmapCell): DrillFilter {
  const out: DrillFilter = { verdict: 'accepted' };
  if (query.metric !== 'count') out.answered = true;
  switch (query.kind) {
    case 'family-round': {
      out.family = cell.row;
      const it = parseRound(cell.col);
      if (it !== undefined) out.round = it;
      break;
    }
    case 'scene-family':
      out.sceneId = cell.row;
      out.family = cell.col;
      break;
    case 'bin-round': {
      const { family, bin } = parseBinLabel(cell.row);
      if (bin !== undefined) out.bin = bin;
      const fam = family ?? query.family;
      if (fam) out.family = fam;
      const it = parseRound(cell.col);
      if (it !== undefined) out.round = it;
      break;
    }
  }
  if (query.metric === 'easy' || query.metric === 'frontier' || query.metric === 'hard') out.bucket = query.metric;
  return out;
}

/**
 * How many questions a cell's drill-down opens: its n, except for a bucket share, whose n is the answered questions
 * the share is taken of: there the drill-down opens the bucket's own questions, value × n of them.
 */
export function cellQuestionCount(query: HeatmapQuery, cell: HeatmapCell): number {
  if (cell.value === null) return cell.n;
  if (query.metric === 'easy' || query.metric === 'frontier' || query.metric === 'hard') return Math.round(cell.value * cell.n);
  return cell.n;
}

/** The tooltip's promise of what a click opens, with the number it will open. */
export function drillHint(query: HeatmapQuery, cell: HeatmapCell): string {
  const k = cellQuestionCount(query, cell);
  const kind = query.metric === 'count' ? 'accepted' : query.metric === 'easy' || query.metric === 'frontier' || query.metric === 'hard' ? query.metric : 'answered';
  return `click to open its ${k} ${kind} question${k === 1 ? '' : 's'}`;
}
