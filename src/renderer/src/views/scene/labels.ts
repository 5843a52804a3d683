/**
 * Labels that do not collide: given label anchors in screen pixels (in priority order) and each label's size,
 * places each one at its anchor or, when that spot is taken, just above or below it, and hides it when all
 * three are taken. Greedy in priority order, so highlighted and selected objects keep their labels. Used per
 * rendered frame for the 3D labels (scratch arrays owned by the caller, nothing allocated) and per frame image
 * for the frame overlay.
 */

/** How a label sits relative to its anchor: centred above it (3D labels) or starting at it (frame labels). */
export type LabelAlign = 'center-above' | 'left-above';

export interface LabelLayout {
  /** Screen position of each label's top-left corner, when shown. */
  x: Float32Array;
  y: Float32Array;
  /** 1 when shown, 0 when hidden (collides everywhere, or its anchor is off screen). */
  shown: Uint8Array;
}

export function labelLayout(capacity: number): LabelLayout {
  return { x: new Float32Array(capacity), y: new Float32Array(capacity), shown: new Uint8Array(capacity) };
}

/** Vertical offsets tried in turn, in label heights: at the anchor, one up, one down. */
const TRIES = [0, -1, 1] as const;
const GAP = 2;

/**
 * Places labels 0…n−1. `ax`, `ay`: anchors (NaN: not on screen); `w`, `h`: sizes; `height`: the view's height,
 * which a label must stay within (a label nudged out of sight is no label). Writes `out`; returns how many
 * are shown.
 */
export function placeLabels(
  n: number,
  ax: ArrayLike<number>,
  ay: ArrayLike<number>,
  w: ArrayLike<number>,
  h: ArrayLike<number>,
  align: LabelAlign,
  out: LabelLayout,
  height = Infinity,
): number {
  let shown = 0;
  for (let i = 0; i < n; i++) {
    out.shown[i] = 0;
    const x = ax[i]!;
    const y = ay[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const wi = w[i]!;
    const hi = h[i]!;
    const left = align === 'center-above' ? x - wi / 2 : x;
    for (const k of TRIES) {
      const top = y - hi + k * (hi + GAP);
      if (top < 0 || top + hi > height) continue;
      let free = true;
      for (let j = 0; j < i && free; j++) {
        if (out.shown[j] !== 1) continue;
        const lj = out.x[j]!;
        const tj = out.y[j]!;
        if (left < lj + w[j]! && lj < left + wi && top < tj + h[j]! && tj < top + hi) free = false;
      }
      if (free) {
        out.x[i] = left;
        out.y[i] = top;
        out.shown[i] = 1;
        shown++;
        break;
      }
    }
  }
  return shown;
}

export interface FrameBoxLabel {
  objectId: number;
  label: string;
  /** [x0, y0, x1, y1] in image pixels. */
  box: readonly number[];
  visibleFraction: number;
}

export function frameLabelText(b: FrameBoxLabel): string {
  return `${b.label}${b.visibleFraction < 0.999 ? ` ${Math.round(b.visibleFraction * 100)}%` : ''}`;
}

/** Text width estimate: SVG text cannot be measured before it is drawn, and the overlay is drawn once per frame. */
const CHAR_WIDTH = 0.62;

/**
 * Where the frame overlay's box labels go (image pixels, top-left of each label's box, by index into
 * `boxes`): each label sits at its box's top-left corner, selected then highlighted labels first, then larger
 * boxes; a label that would cover another is nudged or left out (its box is still drawn).
 */
export function layoutFrameLabels(
  boxes: readonly FrameBoxLabel[],
  selected: number | null,
  highlight: readonly number[],
  fontSize: number,
  imageHeight: number,
): Map<number, { x: number; y: number }> {
  const rank = (b: FrameBoxLabel): number => (b.objectId === selected ? 0 : highlight.includes(b.objectId) ? 1 : 2);
  const area = (b: FrameBoxLabel): number => (b.box[2]! - b.box[0]!) * (b.box[3]! - b.box[1]!);
  const order = boxes.map((_, i) => i).sort((i, j) => rank(boxes[i]!) - rank(boxes[j]!) || area(boxes[j]!) - area(boxes[i]!) || i - j);
  const n = order.length;
  const ax = new Float32Array(n);
  const ay = new Float32Array(n);
  const w = new Float32Array(n);
  const h = new Float32Array(n).fill(fontSize * 1.2);
  order.forEach((i, k) => {
    const b = boxes[i]!;
    ax[k] = b.box[0]! + 2;
    ay[k] = b.box[1]! + fontSize * 1.2;
    w[k] = frameLabelText(b).length * fontSize * CHAR_WIDTH;
  });
  const out = labelLayout(n);
  placeLabels(n, ax, ay, w, h, 'left-above', out, imageHeight);
  const placed = new Map<number, { x: number; y: number }>();
  order.forEach((i, k) => {
    // Tenths of a pixel: the layout is float32, the SVG needs no more.
    if (out.shown[k]) placed.set(i, { x: Math.round(out.x[k]! * 10) / 10, y: Math.round(out.y[k]! * 10) / 10 });
  });
  return placed;
}
