/**
 * The QA-explorer filter a click on a heatmap cell drills into, read back from the cell's row and column labels.
 * The heatmap store applies it, so it lives in lib/ (stores never import views).
 */
import type { HeatmapCell, HeatmapQuery } from '../../../shared/api.js';
import type { Bucket } from '../../../shared/proposer.js';

/** Filter the QA explorer applies when a cell is clicked. */
export interface DrillFilter {
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
  const out: DrillFilter = {};
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
