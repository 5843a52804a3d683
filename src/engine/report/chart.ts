/**
 * A chart as a flat list of drawing primitives in pixel coordinates (origin top-left, y down). Layout is done
 * once into this list and svg.ts writes it; the PNG is that SVG rendered, so the two cannot drift apart.
 */

export type Rgb = readonly [number, number, number];

export interface RectItem {
  kind: 'rect';
  x: number;
  y: number;
  w: number;
  h: number;
  fill: Rgb;
  /** Outline instead of (or besides) the fill. */
  stroke?: Rgb;
  opacity?: number;
  role?: string;
}

export interface PolylineItem {
  kind: 'polyline';
  points: readonly (readonly [number, number])[];
  stroke: Rgb;
  width: number;
  /** What the line is (axis, grid, series mean, legend swatch), for SVG classes and tests. */
  role: string;
  series?: string;
}

export interface PolygonItem {
  kind: 'polygon';
  points: readonly (readonly [number, number])[];
  fill: Rgb;
  opacity: number;
  role: string;
  series?: string;
}

export interface CircleItem {
  kind: 'circle';
  cx: number;
  cy: number;
  r: number;
  fill: Rgb;
  series?: string;
}

/**
 * Text whose glyph box is placed by `x` (start, middle or end of the advance) and `y` (top, middle or bottom of
 * the cap height). `scale` is the text size in steps of 6 px of advance per character (cap height about
 * 7·scale px, see the metrics below); `rotate` -90 runs the text bottom to top.
 */
export interface TextItem {
  kind: 'text';
  x: number;
  y: number;
  text: string;
  scale: number;
  color: Rgb;
  anchor: 'start' | 'middle' | 'end';
  baseline: 'top' | 'middle' | 'bottom';
  rotate?: -90;
  role: string;
}

export type ChartItem = RectItem | PolylineItem | PolygonItem | CircleItem | TextItem;

export interface Chart {
  width: number;
  height: number;
  background: Rgb;
  title: string;
  items: ChartItem[];
}

/**
 * Text metrics of the layout, per scale step: a 6-pixel advance (a monospace font at 10 px, whose advance is
 * 0.6 em) and a 7-pixel cap height. Monospace is what lets the layout know text widths without the font.
 */
export const GLYPH_HEIGHT = 7;
export const GLYPH_ADVANCE = 6;

export function textWidth(text: string, scale: number): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

export function textHeight(scale: number): number {
  return GLYPH_HEIGHT * scale;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, and in greyscale print. */
export const SERIES_COLORS: readonly Rgb[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [0, 0, 0],
];

export function hexColor(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}
