/**
 * A Chart as a standalone SVG document, which plot.ts also renders to PNG. Text is set in a monospace font sized
 * so that its advance is the layout's (0.6 em = 6 px per scale step), which keeps the layout's widths right.
 */
import { type Chart, type ChartItem, GLYPH_ADVANCE, hexColor, textHeight } from './chart.js';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const num = (v: number): string => String(Math.round(v * 100) / 100);

function pathData(points: readonly (readonly [number, number])[], close: boolean): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`).join(' ') + (close ? ' Z' : '');
}

function seriesAttr(series: string | undefined): string {
  return series === undefined ? '' : ` data-series="${escapeXml(series)}"`;
}

function itemSvg(item: ChartItem): string {
  switch (item.kind) {
    case 'rect': {
      const fill = item.fill ? ` fill="${hexColor(item.fill)}"` : ' fill="none"';
      const stroke = item.stroke ? ` stroke="${hexColor(item.stroke)}"` : '';
      const opacity = item.opacity !== undefined ? ` fill-opacity="${num(item.opacity)}"` : '';
      const cls = item.role ? ` class="${item.role}"` : '';
      return `<rect${cls} x="${num(item.x)}" y="${num(item.y)}" width="${num(item.w)}" height="${num(item.h)}"${fill}${opacity}${stroke}/>`;
    }
    case 'polyline':
      return `<path class="${item.role}"${seriesAttr(item.series)} d="${pathData(item.points, false)}" fill="none" stroke="${hexColor(item.stroke)}" stroke-width="${num(item.width)}" stroke-linejoin="round" stroke-linecap="round"/>`;
    case 'polygon':
      return `<path class="${item.role}"${seriesAttr(item.series)} d="${pathData(item.points, true)}" fill="${hexColor(item.fill)}" fill-opacity="${num(item.opacity)}" stroke="none"/>`;
    case 'circle':
      return `<circle class="marker"${seriesAttr(item.series)} cx="${num(item.cx)}" cy="${num(item.cy)}" r="${num(item.r)}" fill="${hexColor(item.fill)}"/>`;
    case 'text': {
      const h = textHeight(item.scale);
      // The layout places the cap-height box; SVG places the baseline, which is that box's bottom.
      const dy = item.baseline === 'top' ? h : item.baseline === 'middle' ? h / 2 : 0;
      const anchor = item.anchor === 'start' ? 'start' : item.anchor === 'middle' ? 'middle' : 'end';
      const size = (GLYPH_ADVANCE * item.scale) / 0.6;
      const common = `class="${item.role}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${num(size)}" fill="${hexColor(item.color)}" text-anchor="${anchor}"`;
      if (item.rotate === -90) {
        // Rotated about the anchor point: "top" then means the side facing left, towards x.
        return `<text ${common} transform="translate(${num(item.x + dy)} ${num(item.y)}) rotate(-90)">${escapeXml(item.text)}</text>`;
      }
      return `<text ${common} x="${num(item.x)}" y="${num(item.y + dy)}">${escapeXml(item.text)}</text>`;
    }
  }
}

export function chartToSvg(chart: Chart): string {
  const body = chart.items.map((i) => `  ${itemSvg(i)}`).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${chart.width}" height="${chart.height}" viewBox="0 0 ${chart.width} ${chart.height}" role="img">`,
    `  <title>${escapeXml(chart.title)}</title>`,
    `  <rect class="background" x="0" y="0" width="${chart.width}" height="${chart.height}" fill="${hexColor(chart.background)}"/>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}
