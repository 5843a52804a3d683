import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { SERIES_COLORS, type PolygonItem, type PolylineItem, type Rgb } from '../../../src/engine/report/chart.js';
import { learningCurveChart, learningCurvePng, learningCurveSvg, plotFontOptions, summarizeSeries, type CurveSeries } from '../../../src/engine/report/plot.js';
import { formatTick } from '../../../src/engine/report/ticks.js';
import { niceAxis, ticksWithin } from '../../../src/shared/ticks.js';

const series: CurveSeries[] = [
  {
    name: 'closed-loop',
    runs: [
      { seed: 0, points: [{ x: 0, y: 0.45 }, { x: 300, y: 0.45 }, { x: 1000, y: 0.45 }] },
      { seed: 1, points: [{ x: 0, y: 0.55 }, { x: 300, y: 0.55 }, { x: 1000, y: 0.55 }] },
    ],
  },
  { name: 'static <&>', runs: [{ seed: 0, points: [{ x: 0, y: 0.8 }, { x: 300, y: 0.8 }, { x: 1000, y: 0.8 }] }] },
];

/** Tags of an XML document must nest: every opened tag closed in reverse order, self-closing tags aside. */
function assertBalancedXml(xml: string): void {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w-]*)\b[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
  // Text content carries no raw markup characters.
  expect(xml.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
}

/** The RGB of the pixel holding (x, y); pngjs decodes to RGBA. */
function pixel(img: PNG, x: number, y: number): [number, number, number] {
  const p = 4 * (Math.floor(y) * img.width + Math.floor(x));
  return [img.data[p]!, img.data[p + 1]!, img.data[p + 2]!];
}

const near = (a: readonly number[], b: readonly number[], tol: number): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('learning-curve statistics', () => {
  it('takes mean, min, max and std over seeds at each x', () => {
    const s = summarizeSeries(series[0]!);
    expect(s.runs).toBe(2);
    expect(s.points.map((p) => p.x)).toEqual([0, 300, 1000]);
    expect(s.points[1]).toMatchObject({ n: 2, min: 0.45, max: 0.55 });
    expect(s.points[1]!.mean).toBeCloseTo(0.5, 12);
    expect(s.points[1]!.std).toBeCloseTo(Math.sqrt(0.005), 12);
  });

  it('interpolates seeds evaluated at other sample counts and never extrapolates past a seed', () => {
    const s = summarizeSeries({
      name: 'x',
      runs: [
        { points: [{ x: 0, y: 0 }, { x: 100, y: 1 }] },
        { points: [{ x: 50, y: 0.2 }, { x: 0, y: 0.4 }] },
      ],
    });
    expect(s.points.map((p) => [p.x, p.n, Number(p.mean.toFixed(6))])).toEqual([
      [0, 2, 0.2],
      [50, 2, 0.35],
      [100, 1, 1],
    ]);
    expect(() => summarizeSeries({ name: 'bad', runs: [{ points: [{ x: 0, y: Number.NaN }] }] })).toThrow(/series "bad" run 0 point 0: expected finite x and y/);
  });
});

describe('ticks', () => {
  it('picks 1-2-5 steps, widens to whole steps, and labels thousands compactly', () => {
    expect(niceAxis(0, 0.93)).toMatchObject({ lo: 0, hi: 1, step: 0.2, values: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceAxis(3, 3).values.length).toBeGreaterThan(1);
    expect(ticksWithin(0, 10074, 3)).toMatchObject({ lo: 0, hi: 10074, values: [0, 5000, 10000] });
    expect(formatTick(2500, 500, 10000)).toBe('2.5k');
    expect(formatTick(10000, 5000, 10000)).toBe('10k');
    expect(formatTick(0, 5000, 10000)).toBe('0');
    expect(formatTick(0.25, 0.05)).toBe('0.25');
    expect(formatTick(400, 100)).toBe('400');
    expect(formatTick(2e7, 5e6, 2e7)).toBe('20M');
  });
});

describe('learning-curve SVG', () => {
  it('is well-formed, with a mean path and a band per series, a legend naming them, axes, ticks and a title', () => {
    const svg = learningCurveSvg(series, { title: 'Held-out score' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500"')).toBe(true);
    assertBalancedXml(svg);
    expect(svg.match(/<path class="mean" data-series="closed-loop"/g)).toHaveLength(1);
    expect(svg.match(/<path class="mean" data-series="static &lt;&amp;&gt;"/g)).toHaveLength(1);
    // One seed gives no band; two do.
    expect(svg.match(/<path class="band"/g)).toHaveLength(1);
    expect(svg).toContain('>closed-loop (2 seeds)</text>');
    expect(svg).toContain('>static &lt;&amp;&gt; (1 seed)</text>');
    expect(svg).toContain('>band: min-max over seeds</text>');
    expect(svg).toContain('<title>Held-out score</title>');
    expect(svg).toContain('>training samples seen</text>');
    expect(svg).toMatch(/rotate\(-90\)">held-out score<\/text>/);
    expect(svg.match(/<path class="axis"/g)).toHaveLength(1);
    for (const t of ['0.0', '0.2', '1.0', '0', '1000']) expect(svg).toContain(`>${t}</text>`);
    expect(svg.match(/<circle class="marker"/g)).toHaveLength(6);
  });

  it('draws a ±1 std band on request and says so; an empty chart says "no data"', () => {
    const chart = learningCurveChart(series, { band: 'std' });
    const band = chart.items.find((i): i is PolygonItem => i.kind === 'polygon')!;
    const mean = chart.items.find((i): i is PolylineItem => i.kind === 'polyline' && i.role === 'mean')!;
    const meanY = mean.points[0]![1];
    const ys = band.points.map((p) => p[1]);
    // Symmetric about the mean line.
    expect(Math.max(...ys) - meanY).toBeCloseTo(meanY - Math.min(...ys), 6);
    expect(learningCurveSvg(series, { band: 'std' })).toContain('band: mean +/- 1 std over seeds');
    const empty = learningCurveSvg([]);
    assertBalancedXml(empty);
    expect(empty).toContain('>no data</text>');
    expect(() => learningCurveSvg(series, { width: 200, height: 120 })).toThrow(/leaves no room for the plot/);
  });
});

describe('learning-curve PNG', () => {
  it('decodes to the chart size with series-coloured lines, translucent bands and drawn text', () => {
    const png = learningCurvePng(series, { width: 640, height: 400 });
    const img = PNG.sync.read(Buffer.from(png));
    expect([img.width, img.height]).toEqual([640, 400]);
    // The same chart renders to the same bytes.
    expect(Buffer.from(learningCurvePng(series, { width: 640, height: 400 })).equals(Buffer.from(png))).toBe(true);

    const chart = learningCurveChart(series, { width: 640, height: 400 });
    const grid = chart.items.filter((i): i is PolylineItem => i.kind === 'polyline' && i.role === 'grid').flatMap((g) => g.points.map((p) => p[0]));
    const means = chart.items.filter((i): i is PolylineItem => i.kind === 'polyline' && i.role === 'mean');
    means.forEach((line, k) => {
      const [a, b] = [line.points[0]!, line.points[1]!];
      // A spot on the line between two markers and clear of vertical grid lines.
      const t = [0.3, 0.4, 0.5, 0.6, 0.7].find((f) => grid.every((gx) => Math.abs(gx - (a[0] + f * (b[0] - a[0]))) > 3))!;
      const x = a[0] + t * (b[0] - a[0]);
      const y = a[1] + t * (b[1] - a[1]);
      expect(near(pixel(img, x, y), SERIES_COLORS[k]!, 2)).toBe(true);
      if (k === 0) {
        // Inside the band, away from the line: 20% of the series colour over the white plot.
        const band = chart.items.find((i): i is PolygonItem => i.kind === 'polygon')!;
        const top = Math.min(...band.points.map((p) => p[1]));
        const expected = SERIES_COLORS[0]!.map((c) => Math.round(255 * 0.8 + c * 0.2));
        expect(near(pixel(img, x, (top + y) / 2 - 1), expected, 3)).toBe(true);
        // Outside the band: the plot's white.
        expect(pixel(img, x, top - 6)).toEqual([255, 255, 255]);
      }
    });
    // Text is drawn: the title's row holds dark pixels, the top-left corner is background.
    const title = chart.items.find((i) => i.kind === 'text' && i.role === 'title')!;
    let dark = 0;
    for (let x = 0; x < img.width; x++) for (let y = 14; y < 14 + 21; y++) if (pixel(img, x, y)[0] < 80) dark++;
    expect(title).toBeDefined();
    expect(dark).toBeGreaterThan(100);
    expect(pixel(img, 1, 1)).toEqual([250, 250, 250]);
  });

  it('renders rotated text', () => {
    const colors: Rgb[] = [[200, 0, 0]];
    const img = PNG.sync.read(Buffer.from(learningCurvePng([{ name: 'x', runs: [{ points: [{ x: 0, y: 0.1 }, { x: 1, y: 0.9 }] }] }], { colors, width: 500, height: 300, fontScale: 1 })));
    // The y label runs vertically in the left margin: ink in a narrow column of many rows.
    let rows = 0;
    for (let y = 0; y < img.height; y++) for (let x = 14; x < 22; x++) if (pixel(img, x, y)[0] < 100) { rows++; break; }
    expect(rows).toBeGreaterThan(40);
  });

  it('renders text with the DejaVu Sans Mono file alone when it is installed, else with the system fonts', () => {
    const font = plotFontOptions();
    if (font.fontFiles) expect(font).toMatchObject({ loadSystemFonts: false, fontFiles: [expect.stringMatching(/DejaVuSansMono\.ttf$/)] });
    else expect(font).toEqual({ loadSystemFonts: true });
    expect(plotFontOptions(['/nonexistent/font.ttf'])).toEqual({ loadSystemFonts: true });
  });
});
