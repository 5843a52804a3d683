/** The QA explorer's filter and sort, and how they become a `queryQa` input. */
import type { QaQueryInput, QaSortKey } from '../../../shared/api.js';
import type { Bucket } from '../../../shared/proposer.js';
import type { QaRecord, QaVerdict } from '../../../shared/records.js';

export interface QaFilter {
  runId: string | null;
  round?: number;
  family?: string;
  sceneId?: string;
  bucket?: Bucket;
  verdict?: QaVerdict;
  bin?: number;
  search?: string;
}

export interface QaSort {
  key: QaSortKey;
  descending: boolean;
}

export const QA_SORT_KEYS: readonly QaSortKey[] = ['id', 'confidence', 'family', 'round'];

/** The queryQa input for a filter (null without a run). Empty strings and undefined fields are left out. */
export function toQuery(filter: QaFilter, sort: QaSort, offset: number, limit: number): QaQueryInput | null {
  if (!filter.runId) return null;
  const q: QaQueryInput = { runId: filter.runId, sort: sort.key, descending: sort.descending, offset, limit };
  if (filter.round !== undefined) q.round = filter.round;
  if (filter.family) q.family = filter.family;
  if (filter.sceneId) q.sceneId = filter.sceneId;
  if (filter.bucket) q.bucket = filter.bucket;
  if (filter.verdict) q.verdict = filter.verdict;
  if (filter.bin !== undefined) q.bin = filter.bin;
  const search = filter.search?.trim();
  if (search) q.search = search;
  return q;
}

/** Short chips describing the active filter (for the header and empty states). */
export function filterChips(filter: QaFilter): { key: keyof QaFilter; label: string }[] {
  const chips: { key: keyof QaFilter; label: string }[] = [];
  if (filter.round !== undefined) chips.push({ key: 'round', label: `round ${filter.round}` });
  if (filter.family) chips.push({ key: 'family', label: filter.family });
  if (filter.sceneId) chips.push({ key: 'sceneId', label: `scene ${filter.sceneId}` });
  if (filter.bucket) chips.push({ key: 'bucket', label: filter.bucket });
  if (filter.verdict) chips.push({ key: 'verdict', label: filter.verdict });
  if (filter.bin !== undefined) chips.push({ key: 'bin', label: `bin ${filter.bin}` });
  if (filter.search?.trim()) chips.push({ key: 'search', label: `“${filter.search.trim()}”` });
  return chips;
}

export function difficultySummary(row: Pick<QaRecord, 'bin' | 'difficulty'>): string {
  const knobs = Object.entries(row.difficulty)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 3)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v)}`);
  return [`bin ${row.bin}`, ...knobs].join(' · ');
}

/** The latest solver output: highest round, then the newest record. */
export function latestOutput<T extends { round: number; id: number }>(outputs: readonly T[]): T | null {
  let best: T | null = null;
  for (const o of outputs) if (!best || o.round > best.round || (o.round === best.round && o.id > best.id)) best = o;
  return best;
}
