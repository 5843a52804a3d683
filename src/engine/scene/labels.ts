/**
 * One vocabulary for object labels across sources, so that "couch" in one dataset and "sofa" in another are
 * counted together and questions use one word. The raw label is always kept beside the normalised one.
 */
const SYNONYM_TABLE: Readonly<Record<string, string>> = {
  couch: 'sofa',
  television: 'tv',
  'tv stand': 'tv stand',
  'trash can': 'trash bin',
  'garbage bin': 'trash bin',
  'waste bin': 'trash bin',
  'recycling bin': 'trash bin',
  washer: 'washing machine',
  fridge: 'refrigerator',
  'mini fridge': 'refrigerator',
  'office chair': 'chair',
  'dining chair': 'chair',
  'armchair': 'armchair',
  'night stand': 'nightstand',
  'book shelf': 'bookshelf',
  bookcase: 'bookshelf',
  shelves: 'shelf',
  'potted plant': 'plant',
  'computer monitor': 'monitor',
  'desk lamp': 'lamp',
  'floor lamp': 'lamp',
  'kitchen counter': 'counter',
  'wardrobe': 'closet',
  'mouse': 'computer mouse',
  'tv monitor': 'tv',
};
/** A Map, not the object: labels are user data, and `constructor` or `__proto__` must not find Object.prototype's members. */
const SYNONYMS: ReadonlyMap<string, string> = new Map(Object.entries(SYNONYM_TABLE));

/** Lower-case, single spaces, ASCII separators, then the synonym table. */
export function normalizeLabel(raw: string): string {
  const cleaned = raw
    .trim()
    .toLowerCase()
    .replace(/[_\-]+/g, ' ')
    .replace(/\s+/g, ' ');
  return SYNONYMS.get(cleaned) ?? cleaned;
}
