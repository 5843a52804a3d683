/**
 * A small software rasteriser for charts: an RGB buffer with alpha blending, thick anti-aliased lines,
 * alpha-filled polygons, discs, rectangles and bitmap text. Each shape first collects its per-pixel coverage
 * and then blends once, so a polyline's joints and a band's edges are not painted twice (which would show as
 * darker dots and seams under transparency).
 */
import { glyph } from './bitmapFont.js';
import { type Chart, type ChartItem, GLYPH_ADVANCE, type Rgb, textHeight, textWidth } from './chart.js';

export class Canvas {
  readonly rgb: Uint8Array;
  private readonly cover: Float32Array;
  private readonly touched: number[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) throw new RangeError(`canvas size must be positive integers, got ${width}×${height}`);
    this.rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) this.rgb.set(background, 3 * p);
    this.cover = new Float32Array(width * height);
  }

  /** Adds coverage for a pixel to the current shape (the largest coverage wins). */
  private mark(x: number, y: number, c: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || c <= 0) return;
    const p = y * this.width + x;
    if (this.cover[p] === 0) this.touched.push(p);
    if (c > this.cover[p]!) this.cover[p] = Math.min(1, c);
  }

  /** Blends the current shape's coverage × opacity in `color`, then clears it. */
  private flush(color: Rgb, opacity: number): void {
    for (const p of this.touched) {
      const a = this.cover[p]! * opacity;
      for (let k = 0; k < 3; k++) this.rgb[3 * p + k] = Math.round(this.rgb[3 * p + k]! * (1 - a) + color[k]! * a);
      this.cover[p] = 0;
    }
    this.touched.length = 0;
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb, opacity = 1): void {
    // Partial coverage at the edges keeps fractional rectangles from snapping a pixel either way.
    const xa = Math.max(0, Math.floor(x)), xb = Math.min(this.width, Math.ceil(x + w));
    const ya = Math.max(0, Math.floor(y)), yb = Math.min(this.height, Math.ceil(y + h));
    for (let py = ya; py < yb; py++) {
      const cy = Math.min(py + 1, y + h) - Math.max(py, y);
      for (let px = xa; px < xb; px++) this.mark(px, py, cy * (Math.min(px + 1, x + w) - Math.max(px, x)));
    }
    this.flush(color, opacity);
  }

  /** A polyline of the given width: round joins and caps, anti-aliased by distance to the nearest segment. */
  strokePolyline(points: readonly (readonly [number, number])[], width: number, color: Rgb, opacity = 1): void {
    const hw = width / 2;
    for (let i = 0; i < points.length; i++) {
      const a = points[i]!;
      const b = points[Math.min(i + 1, points.length - 1)]!;
      if (i > 0 && i === points.length - 1) break;
      const xa = Math.floor(Math.min(a[0], b[0]) - hw - 1), xb = Math.ceil(Math.max(a[0], b[0]) + hw + 1);
      const ya = Math.floor(Math.min(a[1], b[1]) - hw - 1), yb = Math.ceil(Math.max(a[1], b[1]) + hw + 1);
      const dx = b[0] - a[0], dy = b[1] - a[1];
      const len2 = dx * dx + dy * dy;
      for (let py = Math.max(0, ya); py <= Math.min(this.height - 1, yb); py++)
        for (let px = Math.max(0, xa); px <= Math.min(this.width - 1, xb); px++) {
          const cx = px + 0.5, cy = py + 0.5;
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - a[0]) * dx + (cy - a[1]) * dy) / len2));
          const d = Math.hypot(cx - (a[0] + t * dx), cy - (a[1] + t * dy));
          this.mark(px, py, hw + 0.5 - d);
        }
    }
    this.flush(color, opacity);
  }

  /** Even-odd fill sampled at pixel centres, with 4 sub-rows per pixel for smoother sloped edges. */
  fillPolygon(points: readonly (readonly [number, number])[], color: Rgb, opacity = 1): void {
    if (points.length < 3) return;
    const SUB = 4;
    const ys = points.map((p) => p[1]);
    const y0 = Math.max(0, Math.floor(Math.min(...ys))), y1 = Math.min(this.height - 1, Math.ceil(Math.max(...ys)));
    const row = new Float32Array(this.width);
    for (let py = y0; py <= y1; py++) {
      row.fill(0);
      for (let s = 0; s < SUB; s++) {
        const sy = py + (s + 0.5) / SUB;
        const xs: number[] = [];
        for (let i = 0; i < points.length; i++) {
          const a = points[i]!, b = points[(i + 1) % points.length]!;
          if ((a[1] <= sy && b[1] > sy) || (b[1] <= sy && a[1] > sy)) xs.push(a[0] + ((sy - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
        }
        xs.sort((p, q) => p - q);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          const xa = xs[k]!, xb = xs[k + 1]!;
          for (let px = Math.max(0, Math.floor(xa)); px < Math.min(this.width, Math.ceil(xb)); px++) {
            row[px]! += Math.max(0, Math.min(px + 1, xb) - Math.max(px, xa)) / SUB;
          }
        }
      }
      for (let px = 0; px < this.width; px++) this.mark(px, py, row[px]!);
    }
    this.flush(color, opacity);
  }

  fillCircle(cx: number, cy: number, r: number, color: Rgb, opacity = 1): void {
    for (let py = Math.max(0, Math.floor(cy - r - 1)); py <= Math.min(this.height - 1, Math.ceil(cy + r + 1)); py++)
      for (let px = Math.max(0, Math.floor(cx - r - 1)); px <= Math.min(this.width - 1, Math.ceil(cx + r + 1)); px++) {
        this.mark(px, py, r + 0.5 - Math.hypot(px + 0.5 - cx, py + 0.5 - cy));
      }
    this.flush(color, opacity);
  }

  /**
   * Bitmap text whose top-left glyph corner is (x, y), each font pixel a scale×scale block. Rotated -90° the
   * text runs upwards from (x, y + width) with the glyph tops facing left.
   */
  drawText(text: string, x: number, y: number, scale: number, color: Rgb, rotate?: -90): void {
    const x0 = Math.round(x), y0 = Math.round(y);
    const w = textWidth(text, scale);
    [...text].forEach((ch, i) => {
      const g = glyph(ch);
      for (let r = 0; r < g.length; r++)
        for (let c = 0; c < 5; c++) {
          if (!g[r]![c]) continue;
          const u = i * GLYPH_ADVANCE * scale + c * scale; // along the text
          const v = r * scale; // down the glyph
          for (let a = 0; a < scale; a++)
            for (let b = 0; b < scale; b++) {
              if (rotate === -90) this.mark(x0 + v + b, y0 + w - 1 - (u + a), 1);
              else this.mark(x0 + u + a, y0 + v + b, 1);
            }
        }
    });
    this.flush(color, 1);
  }
}

function drawItem(canvas: Canvas, item: ChartItem): void {
  switch (item.kind) {
    case 'rect':
      canvas.fillRect(item.x, item.y, item.w, item.h, item.fill, item.opacity ?? 1);
      if (item.stroke) {
        const { x, y, w, h } = item;
        canvas.strokePolyline([[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]], 1, item.stroke);
      }
      return;
    case 'polyline':
      canvas.strokePolyline(item.points, item.width, item.stroke);
      return;
    case 'polygon':
      canvas.fillPolygon(item.points, item.fill, item.opacity);
      return;
    case 'circle':
      canvas.fillCircle(item.cx, item.cy, item.r, item.fill);
      return;
    case 'text': {
      const w = textWidth(item.text, item.scale);
      const h = textHeight(item.scale);
      const along = item.anchor === 'start' ? 0 : item.anchor === 'middle' ? w / 2 : w;
      const across = item.baseline === 'top' ? 0 : item.baseline === 'middle' ? h / 2 : h;
      if (item.rotate === -90) canvas.drawText(item.text, item.x - across, item.y - w + along, item.scale, item.color, -90);
      else canvas.drawText(item.text, item.x - along, item.y - across, item.scale, item.color);
      return;
    }
  }
}

/** The chart drawn into a fresh canvas. */
export function rasterizeChart(chart: Chart): Canvas {
  const canvas = new Canvas(chart.width, chart.height, chart.background);
  for (const item of chart.items) drawItem(canvas, item);
  return canvas;
}
