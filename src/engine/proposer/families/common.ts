/** Helpers shared by the family definitions: option lettering, label choice, program quoting. */
import type { Rng } from '../../../shared/random.js';
import type { SceneApi } from '../program/types.js';

export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;

/** "A. left" style options, in the given order. */
export function letterOptions(texts: string[]): string[] {
  return texts.map((t, i) => `${LETTERS[i]}. ${t}`);
}

/** Option text → its letter, or undefined when the text is not among the options. */
export function letterOf(options: string[], text: string): string | undefined {
  const i = options.findIndex((o) => o.slice(3) === text);
  return i >= 0 ? LETTERS[i] : undefined;
}

/** The i-th label a question names; throws when it names fewer (a draft that does not fit its family). */
export function namedLabel(draft: { named: readonly { label: string }[] }, i: number): string {
  const n = draft.named[i];
  if (!n) throw new Error(`the question names ${draft.named.length} object(s); the family needs at least ${i + 1}`);
  return n.label;
}

/** A string literal safe to splice into program source. */
export const q = (s: string): string => JSON.stringify(s);

const uniqueVisibleCache = new WeakMap<SceneApi, readonly string[]>();

/** Labels with exactly one instance that was seen at least once along the trajectory (cached per scene API). */
export function uniqueVisibleLabels(api: SceneApi): readonly string[] {
  let labels = uniqueVisibleCache.get(api);
  if (!labels) {
    labels = api.labels().filter((l) => {
      if (api.count(l) !== 1) return false;
      const o = api.byLabel(l)[0]!;
      return api.frameCount() === 0 || api.firstVisibleFrame(o) !== null;
    });
    uniqueVisibleCache.set(api, labels);
  }
  return labels;
}

/** k distinct items, in random order. */
export function sample<T>(rng: Rng, items: readonly T[], k: number): T[] | undefined {
  if (items.length < k) return undefined;
  return rng.shuffle([...items]).slice(0, k);
}

/**
 * The first two values of a sort in this order (repeats count: [1, 1] for [1, 3, 1] ascending), NaN where fewer
 * than two values leave a place empty (as reading past a sorted array's end and computing with it would). Without
 * the sort: drafting asks this for every draw, and a sort allocates.
 */
export function firstTwo(values: readonly number[], order: 'ascending' | 'descending'): [number, number] {
  const sign = order === 'ascending' ? 1 : -1;
  let a = NaN, b = NaN;
  for (const v of values) {
    if (!(sign * v >= sign * a)) {
      b = a;
      a = v;
    } else if (!(sign * v >= sign * b)) b = v;
  }
  return [a, b];
}

/** The bin whose [lo, hi) range holds v; ranges are given as ascending upper bounds. */
export function binByUpperBounds(v: number, upper: number[]): number {
  const i = upper.findIndex((u) => v < u);
  return i < 0 ? upper.length : i;
}

/** Draws a family makes for one question before it settles for a draw outside the wanted bin. */
const BIN_ATTEMPTS = 8;

/**
 * Draws until one lands in the wanted difficulty bin, at most BIN_ATTEMPTS times, and keeps the last draw when
 * none does: a scene may not offer the bin, and the family then records the bin it did produce. A draw of
 * `undefined` (the scene cannot host the question) ends the search with it.
 */
export function drawForBin<T>(bin: number, draw: () => T, binOf: (drawn: NonNullable<T>) => number): T {
  let drawn = draw();
  for (let attempt = 1; attempt < BIN_ATTEMPTS && drawn != null && binOf(drawn) !== bin; attempt++) drawn = draw();
  return drawn;
}
