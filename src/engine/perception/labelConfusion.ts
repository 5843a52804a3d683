/**
 * Which classes a 2D detector plausibly mistakes for one another. A detector confuses look-alikes (a stool for
 * a chair), not arbitrary classes, and counting questions are sensitive to exactly those mix-ups, so the noise
 * model swaps labels only along these pairs. Pairs are symmetric: if a chair can read as a stool, a stool can
 * read as a chair. Labels are the normalised vocabulary (`normalizeLabel`).
 */
const SIMILAR_PAIRS: readonly (readonly [string, string])[] = [
  ['chair', 'stool'],
  ['chair', 'armchair'],
  ['armchair', 'sofa'],
  ['table', 'desk'],
  ['table', 'coffee table'],
  ['tv', 'monitor'],
  ['monitor', 'laptop'],
  ['cabinet', 'nightstand'],
  ['cabinet', 'dresser'],
  ['nightstand', 'dresser'],
  ['cabinet', 'closet'],
  ['bookshelf', 'shelf'],
  ['bed', 'mattress'],
  ['picture', 'mirror'],
  ['mirror', 'window'],
  ['whiteboard', 'picture'],
  ['stove', 'oven'],
  ['oven', 'microwave'],
  ['dishwasher', 'washing machine'],
  ['sink', 'bathtub'],
  ['trash bin', 'basket'],
  ['counter', 'table'],
];

const TABLE: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  const link = (a: string, b: string): void => {
    const list = m.get(a) ?? [];
    if (!list.includes(b)) list.push(b);
    m.set(a, list);
  };
  for (const [a, b] of SIMILAR_PAIRS) {
    link(a, b);
    link(b, a);
  }
  // Sorted so the pick for a given random draw does not depend on the order pairs were written in.
  for (const list of m.values()) list.sort();
  return m;
})();

/** Labels a detection of `label` may be confused with; empty when the label has no look-alikes. */
export function confusableLabels(label: string): readonly string[] {
  return TABLE.get(label) ?? [];
}
