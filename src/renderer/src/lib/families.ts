/** Families in display order, shared by the runs table, the curves, the mix chart and the heatmaps. */
import { FAMILIES } from '../../../shared/proposer.js';

// The proposer's order (VSI-Bench's families first), then families this build does not know, alphabetically.
function familyOrder(a: string, b: string): number {
  const ia = (FAMILIES as readonly string[]).indexOf(a);
  const ib = (FAMILIES as readonly string[]).indexOf(b);
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortFamilies(list: Iterable<string>): string[] {
  return [...new Set(list)].sort(familyOrder);
}
