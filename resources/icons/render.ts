/**
 * `npx tsx resources/icons/render.ts`: renders icon.svg (the source) to the PNGs the app uses, icon-512.png (the
 * window and packaging) and icon-256.png (browser mode's favicon). The PNGs are committed, so nothing renders
 * at install time; run this again after editing the SVG (test/main/appIcon.test.ts fails while they differ).
 */
import { Resvg } from '@resvg/resvg-js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ICON_DIR = dirname(fileURLToPath(import.meta.url));
export const ICON_SVG = join(ICON_DIR, 'icon.svg');
export const ICON_SIZES = [512, 256] as const;
export type IconSize = (typeof ICON_SIZES)[number];

export const iconPngPath = (size: IconSize): string => join(ICON_DIR, `icon-${size}.png`);

export function renderIcon(size: IconSize): Buffer {
  // The icon has no text: skipping the system font scan keeps the render independent of the machine.
  return new Resvg(readFileSync(ICON_SVG), { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false }, logLevel: 'off' }).render().asPng();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const size of ICON_SIZES) {
    const png = renderIcon(size);
    writeFileSync(iconPngPath(size), png);
    process.stdout.write(`${iconPngPath(size)}: ${size}×${size}, ${png.length} bytes\n`);
  }
}
