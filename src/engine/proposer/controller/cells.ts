/**
 * Cell identity and canonical order. Strategies walk cells in one fixed order whatever order the caller listed
 * them in, so the same inputs give the same floats and the same bandit draws bit for bit.
 */
import { FAMILIES, type MixKey } from '../../../shared/proposer.js';

const familyRank = new Map<string, number>(FAMILIES.map((f, i) => [f, i]));

// JSON of a tuple cannot collide whatever characters a scene id holds.
export const cellKey = (k: MixKey): string => JSON.stringify([k.sceneId, k.family, k.bin]);
export const familyBinKey = (family: string, bin: number): string => JSON.stringify([family, bin]);

/** Family in FAMILIES order (unknown ones after, by name), then bin, then scene id. */
export function compareFamilies(a: string, b: string): number {
  const ra = familyRank.get(a) ?? FAMILIES.length;
  const rb = familyRank.get(b) ?? FAMILIES.length;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

export function compareCells(a: MixKey, b: MixKey): number {
  return (
    compareFamilies(a.family, b.family) || a.bin - b.bin || (a.sceneId < b.sceneId ? -1 : a.sceneId > b.sceneId ? 1 : 0)
  );
}

export function validateKey(k: MixKey, where: string): void {
  if (typeof k.sceneId !== 'string' || typeof k.family !== 'string' || !Number.isInteger(k.bin) || k.bin < 0) {
    throw new RangeError(`${where}: expected { sceneId: string, family: string, bin: integer ≥ 0 }, found ${JSON.stringify(k)}`);
  }
}

/** Deduplicated, sorted copies holding only the key fields (callers may pass samples or mix entries). */
export function canonicalCells(cells: readonly MixKey[]): MixKey[] {
  const seen = new Map<string, MixKey>();
  for (const c of cells) {
    validateKey(c, 'cells');
    const key = cellKey(c);
    if (!seen.has(key)) seen.set(key, { sceneId: c.sceneId, family: c.family, bin: c.bin });
  }
  return [...seen.values()].sort(compareCells);
}

/** Families of the given (canonical) cells, in canonical order. */
export function familiesOf(cells: readonly MixKey[]): string[] {
  return [...new Set(cells.map((c) => c.family as string))].sort(compareFamilies);
}
