/**
 * Object categories with their size priors, in metres, as full edge lengths of the box: width along the
 * object's local x (side to side), depth along local y (its front faces local +y), height along z. Ranges
 * follow common furniture dimensions (IKEA-style catalogues, ANSI/BIFMA desk and chair heights, building-code
 * door sizes) and the spread of the same labels in ScanNet/ARKitScenes boxes.
 *
 * Labels are the vocabulary the real datasets use after `normalizeLabel`, and every raw spelling below
 * normalises to its label, so counting questions mean the same thing on synthetic and real scenes. Several
 * kinds can share a label (a desk lamp and a floor lamp are both "lamp").
 *
 * The procedural generator (synthesis/) places these kinds; the solver's tokenizer takes its default label
 * vocabulary from the same labels. It sits in scene/, not synthesis/, so the solver can read the vocabulary
 * without depending on the generator (a lint rule keeps solver/ out of synthesis/).
 */
export type Range = readonly [number, number];

/** floor: stands on the floor; wall: hangs on or stands flush against a wall; supported: rests on another object. */
export type Placement = 'floor' | 'wall' | 'supported';

export interface Category {
  key: string;
  label: string;
  /** Spellings as datasets write them; each normalises to `label`. The first is the default. */
  rawLabels: readonly string[];
  placement: Placement;
  width: Range;
  depth: Range;
  height: Range;
  /** Wall objects: height of the bottom above the floor. */
  elevation?: Range;
}

const c = (
  key: string,
  label: string,
  rawLabels: readonly string[],
  placement: Placement,
  width: Range,
  depth: Range,
  height: Range,
  elevation?: Range,
): Category => ({ key, label, rawLabels, placement, width, depth, height, ...(elevation ? { elevation } : {}) });

export const CATEGORIES = {
  // Seating
  chair: c('chair', 'chair', ['chair', 'dining chair', 'office chair'], 'floor', [0.42, 0.6], [0.45, 0.62], [0.78, 1.05]),
  armchair: c('armchair', 'armchair', ['armchair'], 'floor', [0.7, 0.95], [0.7, 0.92], [0.75, 1.0]),
  stool: c('stool', 'stool', ['stool'], 'floor', [0.32, 0.45], [0.32, 0.45], [0.45, 0.78]),
  sofa: c('sofa', 'sofa', ['sofa', 'couch'], 'floor', [1.5, 2.4], [0.8, 1.0], [0.75, 0.95]),
  // Tables and storage
  table: c('table', 'table', ['table'], 'floor', [1.2, 2.0], [0.75, 1.0], [0.72, 0.78]),
  meetingTable: c('meetingTable', 'table', ['table'], 'floor', [2.4, 4.0], [1.0, 1.4], [0.72, 0.78]),
  coffeeTable: c('coffeeTable', 'coffee table', ['coffee table'], 'floor', [0.8, 1.3], [0.45, 0.7], [0.35, 0.48]),
  desk: c('desk', 'desk', ['desk'], 'floor', [1.0, 1.8], [0.6, 0.8], [0.72, 0.77]),
  schoolDesk: c('schoolDesk', 'desk', ['desk'], 'floor', [1.1, 1.3], [0.5, 0.6], [0.72, 0.76]),
  bed: c('bed', 'bed', ['bed'], 'floor', [0.9, 1.8], [1.95, 2.2], [0.45, 0.65]),
  nightstand: c('nightstand', 'nightstand', ['nightstand', 'night stand'], 'floor', [0.4, 0.55], [0.35, 0.45], [0.45, 0.65]),
  bookshelf: c('bookshelf', 'bookshelf', ['bookshelf', 'bookcase', 'book shelf'], 'floor', [0.6, 1.2], [0.25, 0.4], [1.2, 2.1]),
  cabinet: c('cabinet', 'cabinet', ['cabinet'], 'floor', [0.45, 1.2], [0.4, 0.6], [0.7, 1.3]),
  closet: c('closet', 'closet', ['wardrobe', 'closet'], 'floor', [1.0, 2.0], [0.55, 0.65], [1.9, 2.3]),
  dresser: c('dresser', 'dresser', ['dresser'], 'floor', [0.8, 1.6], [0.45, 0.55], [0.75, 1.1]),
  tvStand: c('tvStand', 'tv stand', ['tv stand'], 'floor', [1.2, 2.0], [0.35, 0.5], [0.4, 0.6]),
  // Kitchen and bathroom
  counter: c('counter', 'counter', ['kitchen counter', 'counter'], 'floor', [1.2, 2.4], [0.6, 0.65], [0.88, 0.95]),
  refrigerator: c('refrigerator', 'refrigerator', ['refrigerator', 'fridge'], 'floor', [0.6, 0.9], [0.65, 0.8], [1.5, 1.95]),
  stove: c('stove', 'stove', ['stove'], 'floor', [0.6, 0.9], [0.6, 0.66], [0.85, 0.95]),
  dishwasher: c('dishwasher', 'dishwasher', ['dishwasher'], 'floor', [0.45, 0.6], [0.55, 0.62], [0.82, 0.88]),
  sink: c('sink', 'sink', ['sink'], 'floor', [0.6, 1.2], [0.55, 0.65], [0.85, 0.95]),
  vanity: c('vanity', 'sink', ['sink'], 'floor', [0.5, 0.8], [0.4, 0.55], [0.8, 0.9]),
  toilet: c('toilet', 'toilet', ['toilet'], 'floor', [0.36, 0.45], [0.6, 0.75], [0.7, 0.85]),
  bathtub: c('bathtub', 'bathtub', ['bathtub'], 'floor', [1.5, 1.8], [0.7, 0.8], [0.5, 0.6]),
  washingMachine: c('washingMachine', 'washing machine', ['washer', 'washing machine'], 'floor', [0.58, 0.62], [0.55, 0.65], [0.82, 0.88]),
  microwave: c('microwave', 'microwave', ['microwave'], 'supported', [0.45, 0.55], [0.35, 0.42], [0.26, 0.32]),
  // Small floor things
  plant: c('plant', 'plant', ['plant', 'potted plant'], 'floor', [0.3, 0.6], [0.3, 0.6], [0.4, 1.6]),
  floorLamp: c('floorLamp', 'lamp', ['floor lamp', 'lamp'], 'floor', [0.3, 0.45], [0.3, 0.45], [1.4, 1.8]),
  trashBin: c('trashBin', 'trash bin', ['trash can', 'trash bin', 'garbage bin'], 'floor', [0.25, 0.4], [0.25, 0.4], [0.3, 0.7]),
  backpack: c('backpack', 'backpack', ['backpack'], 'floor', [0.28, 0.36], [0.15, 0.25], [0.4, 0.5]),
  fan: c('fan', 'fan', ['fan'], 'floor', [0.35, 0.5], [0.3, 0.4], [0.9, 1.3]),
  guitar: c('guitar', 'guitar', ['guitar'], 'floor', [0.36, 0.42], [0.1, 0.14], [0.95, 1.05]),
  piano: c('piano', 'piano', ['piano'], 'floor', [1.4, 1.55], [0.55, 0.65], [1.1, 1.3]),
  fireplace: c('fireplace', 'fireplace', ['fireplace'], 'floor', [1.0, 1.6], [0.35, 0.6], [1.0, 1.3]),
  // On top of something
  tableLamp: c('tableLamp', 'lamp', ['lamp', 'desk lamp'], 'supported', [0.2, 0.38], [0.2, 0.38], [0.35, 0.6]),
  monitor: c('monitor', 'monitor', ['monitor', 'computer monitor'], 'supported', [0.5, 0.72], [0.16, 0.25], [0.36, 0.52]),
  keyboard: c('keyboard', 'keyboard', ['keyboard'], 'supported', [0.36, 0.46], [0.12, 0.16], [0.02, 0.04]),
  mouse: c('mouse', 'computer mouse', ['mouse', 'computer mouse'], 'supported', [0.06, 0.07], [0.1, 0.12], [0.03, 0.04]),
  laptop: c('laptop', 'laptop', ['laptop'], 'supported', [0.3, 0.38], [0.22, 0.3], [0.2, 0.26]),
  telephone: c('telephone', 'telephone', ['telephone'], 'supported', [0.18, 0.24], [0.18, 0.23], [0.08, 0.12]),
  printer: c('printer', 'printer', ['printer'], 'supported', [0.4, 0.55], [0.35, 0.5], [0.2, 0.35]),
  pillow: c('pillow', 'pillow', ['pillow'], 'supported', [0.45, 0.7], [0.3, 0.5], [0.1, 0.2]),
  tv: c('tv', 'tv', ['tv', 'television'], 'supported', [0.9, 1.5], [0.18, 0.28], [0.55, 0.9]),
  // On the walls
  wallTv: c('wallTv', 'tv', ['tv', 'television'], 'wall', [0.9, 1.6], [0.05, 0.1], [0.55, 0.95], [0.9, 1.3]),
  window: c('window', 'window', ['window'], 'wall', [0.8, 2.0], [0.06, 0.15], [1.0, 1.5], [0.85, 1.0]),
  door: c('door', 'door', ['door'], 'wall', [0.8, 1.0], [0.05, 0.1], [2.0, 2.1], [0, 0]),
  radiator: c('radiator', 'radiator', ['radiator'], 'wall', [0.6, 1.6], [0.08, 0.15], [0.4, 0.6], [0.1, 0.15]),
  clock: c('clock', 'clock', ['clock'], 'wall', [0.25, 0.4], [0.04, 0.08], [0.25, 0.4], [1.7, 2.0]),
  picture: c('picture', 'picture', ['picture'], 'wall', [0.4, 1.0], [0.02, 0.05], [0.3, 0.8], [1.2, 1.4]),
  mirror: c('mirror', 'mirror', ['mirror'], 'wall', [0.4, 0.8], [0.02, 0.04], [0.6, 1.0], [1.0, 1.2]),
  whiteboard: c('whiteboard', 'whiteboard', ['whiteboard'], 'wall', [1.2, 2.4], [0.03, 0.08], [0.9, 1.2], [0.85, 1.0]),
  towel: c('towel', 'towel', ['towel'], 'wall', [0.3, 0.6], [0.04, 0.08], [0.5, 0.8], [0.9, 1.1]),
} as const satisfies Record<string, Category>;

export type CategoryKey = keyof typeof CATEGORIES;

export function category(key: CategoryKey): Category {
  return CATEGORIES[key];
}

/** Size ranges of every kind carrying a label, for checking boxes labelled that way. */
export function sizeRangesForLabel(label: string): Category[] {
  return Object.values(CATEGORIES).filter((k: Category) => k.label === label);
}
