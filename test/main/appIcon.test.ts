/**
 * The app's icons: what the window is given, and that the committed PNGs are renderings of the committed SVG.
 * The built layout (icon.png beside the main bundle, the favicon in out/renderer) is checked by
 * test/electron/app.test.ts, which builds the app anyway.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { WINDOW_ICON_FILE, WINDOW_ICON_SIZE, WINDOW_ICON_SOURCE, windowIconPath } from '../../src/main/appIcon.js';
import { ICON_SIZES, iconPngPath, renderIcon } from '../../resources/icons/render.js';
import { repoRoot } from '../helpers/shared.js';

const decode = (bytes: Buffer): PNG => PNG.sync.read(bytes);
const alphaAt = (png: PNG, x: number, y: number): number => png.data[(y * png.width + x) * 4 + 3]!;

describe('the window icon', () => {
  it('is the file beside the main bundle that the build copies from a 512 px PNG', () => {
    expect(windowIconPath('/app/out/main')).toBe(join('/app/out/main', WINDOW_ICON_FILE));
    const png = decode(readFileSync(join(repoRoot, WINDOW_ICON_SOURCE)));
    expect([png.width, png.height]).toEqual([WINDOW_ICON_SIZE, WINDOW_ICON_SIZE]);
    // A rounded tile: transparent corners, opaque middle (a blank or fully transparent render fails here).
    expect(alphaAt(png, 0, 0)).toBe(0);
    expect(alphaAt(png, png.width - 1, png.height - 1)).toBe(0);
    expect(alphaAt(png, png.width / 2, png.height / 2)).toBe(255);
  });

  it('the committed PNGs are what render.ts makes of icon.svg at 512 and 256 px', () => {
    expect(ICON_SIZES).toEqual([512, 256]);
    expect(iconPngPath(512)).toBe(join(repoRoot, WINDOW_ICON_SOURCE));
    for (const size of ICON_SIZES) {
      const committed = decode(readFileSync(iconPngPath(size)));
      const fresh = decode(renderIcon(size));
      expect([committed.width, committed.height], `icon-${size}.png`).toEqual([size, size]);
      // resvg renders the same bytes here; the tolerance only absorbs another build's rounding.
      let worst = 0;
      for (let i = 0; i < fresh.data.length; i++) worst = Math.max(worst, Math.abs(fresh.data[i]! - committed.data[i]!));
      expect(worst, `icon-${size}.png differs from a fresh render of icon.svg: run npx tsx resources/icons/render.ts`).toBeLessThanOrEqual(2);
    }
  });
});

describe("browser mode's favicon", () => {
  it('the renderer page links the 256 px icon and keeps its content security policy', () => {
    const page = join(repoRoot, 'src/renderer/index.html');
    const html = readFileSync(page, 'utf8');
    const href = /<link rel="icon" type="image\/png" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    expect(resolve(dirname(page), href!)).toBe(iconPngPath(256));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:;`);
  });
});
