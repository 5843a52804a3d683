/**
 * Plausible base colours per normalised label, so a synthesised point cloud reads like a room in the viewer and
 * colour cues ("the red chair") stay consistent with what an object is. Labels without an entry get a muted
 * colour derived from the label text, stable across runs.
 */
import { hashSeed } from '../../../shared/random.js';

export type Rgb = [number, number, number];

const PALETTE: Record<string, Rgb> = {
  chair: [122, 84, 56],
  armchair: [140, 96, 78],
  stool: [150, 112, 74],
  table: [158, 118, 78],
  'coffee table': [120, 86, 58],
  desk: [176, 150, 116],
  bed: [214, 208, 196],
  mattress: [226, 222, 210],
  sofa: [96, 110, 132],
  pillow: [222, 196, 150],
  lamp: [236, 214, 160],
  monitor: [34, 36, 40],
  tv: [28, 30, 34],
  'tv stand': [88, 70, 56],
  keyboard: [50, 52, 56],
  laptop: [150, 152, 158],
  'computer mouse': [60, 62, 66],
  telephone: [40, 40, 44],
  printer: [200, 200, 196],
  plant: [70, 128, 62],
  bookshelf: [132, 98, 66],
  nightstand: [142, 104, 70],
  cabinet: [186, 170, 146],
  closet: [196, 180, 156],
  dresser: [150, 112, 80],
  counter: [204, 200, 192],
  refrigerator: [226, 228, 230],
  stove: [70, 70, 74],
  oven: [64, 64, 68],
  microwave: [60, 62, 66],
  dishwasher: [196, 198, 200],
  'washing machine': [232, 232, 234],
  sink: [210, 214, 218],
  toilet: [240, 240, 236],
  bathtub: [236, 236, 232],
  towel: [110, 150, 190],
  mirror: [180, 196, 206],
  'trash bin': [84, 96, 90],
  backpack: [46, 80, 130],
  window: [170, 200, 226],
  door: [150, 116, 84],
  radiator: [230, 230, 226],
  clock: [240, 238, 230],
  picture: [180, 120, 90],
  whiteboard: [244, 244, 242],
  fireplace: [120, 92, 82],
  fan: [210, 210, 214],
  guitar: [170, 110, 60],
  piano: [24, 22, 22],
};

/** Floors and walls are picked per scene from these, so rooms are not all the same. */
export const FLOOR_COLORS: readonly Rgb[] = [
  [168, 128, 90], // oak
  [120, 88, 62], // walnut
  [190, 184, 172], // light tiles
  [128, 128, 132], // grey carpet
  [150, 104, 74], // cherry
];
export const WALL_COLORS: readonly Rgb[] = [
  [232, 228, 220],
  [238, 236, 232],
  [222, 220, 210],
  [214, 222, 226],
];
export const CEILING_COLOR: Rgb = [246, 246, 244];

function hslToRgb(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h * 12) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export function labelColor(label: string): Rgb {
  // hasOwn: a label is user data, and `constructor` or `toString` must not find Object.prototype's members.
  if (Object.hasOwn(PALETTE, label)) return [...PALETTE[label]!];
  const h = hashSeed(0, label);
  return hslToRgb((h % 360) / 360, 0.25 + ((h >>> 9) % 20) / 100, 0.4 + ((h >>> 17) % 20) / 100);
}
