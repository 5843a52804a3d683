/**
 * Fixed partition of every scene source into train / reference / heldout parts, by scene id alone.
 *
 * A scene's part is a pure function of its id: no seed, no list of other scenes, no load order. So a
 * scene always lands in the same part whatever else is loaded and whatever seed a run uses, and a base
 * model trained on `?part=train`, an irreducible-loss (reference) model trained on `?part=reference` and a
 * loop evaluated on `?part=heldout` are disjoint by construction, not by bookkeeping.
 * Changing the hash or the fractions reshuffles every part: test/engine/sources/builtin.test.ts pins both.
 */
export const SCENE_PARTS = ['train', 'reference', 'heldout'] as const;
export type ScenePart = (typeof SCENE_PARTS)[number];

/** Upper end (exclusive) of each part on the unit interval the id hash maps to; the last one is 1. */
export const SCENE_PART_BOUNDS: Readonly<Record<ScenePart, number>> = { train: 0.45, reference: 0.6, heldout: 1 };

export function isScenePart(s: string): s is ScenePart {
  return (SCENE_PARTS as readonly string[]).includes(s);
}

/** FNV-1a 32-bit over the UTF-8 bytes, then the murmur3 finaliser so that ids differing in a last digit spread evenly. */
export function sceneIdHash(id: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Where a scene id falls on [0, 1). */
export function sceneIdUnit(id: string): number {
  return sceneIdHash(id) / 2 ** 32;
}

/** The part a scene belongs to, from its id (`Scene.id`, e.g. `vsibench:scene0011_00`) alone. */
export function partOfScene(id: string): ScenePart {
  const u = sceneIdUnit(id);
  for (const part of SCENE_PARTS) if (u < SCENE_PART_BOUNDS[part]) return part;
  return 'heldout';
}
