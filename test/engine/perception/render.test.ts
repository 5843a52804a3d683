import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { colorizeDepth, crc32, encodePng, renderFrame, turbo } from '../../../src/engine/perception/render.js';
import { labelColor } from '../../../src/engine/scene/synthesis/palette.js';
import { generateSyntheticScene } from '../../../src/engine/sources/synthetic.js';
import type { PointCloud, Room } from '../../../src/shared/scene.js';
import { box, frame, scene } from './sceneFixtures.js';

// The room the test camera stands in: walls at x = −1 and 8, y = ±3, floor at 0, ceiling at 3.
const ROOM: Room = { area: 54, center: [3.5, 0, 1.5], bounds: { min: [-1, -3, 0], max: [8, 3, 3] }, floorZ: 0, height: 3 };

const at = (img: { width: number }, x: number, y: number): number => y * img.width + x;
const pixel = (rgb: Uint8Array, p: number): number[] => [rgb[3 * p]!, rgb[3 * p + 1]!, rgb[3 * p + 2]!];

/** Points on a grid over the cube's near face (x = 3.5, y and z within ±0.5 of the centre). */
function nearFaceCloud(color: [number, number, number]): PointCloud {
  const xyz: number[] = [];
  for (let i = 0; i <= 50; i++) for (let j = 0; j <= 50; j++) xyz.push(3.5, -0.5 + i / 50, 0.5 + j / 50);
  const n = xyz.length / 3;
  const colors = new Uint8Array(3 * n);
  for (let k = 0; k < n; k++) colors.set(color, 3 * k);
  return { positions: Float32Array.from(xyz), colors };
}

describe('renderFrame by ray-casting boxes', () => {
  const s = scene([box(1, 'chair', [4, 0, 1])], [frame(0)], { room: ROOM });

  it('draws a box ahead at its projected place with its true depth, over the room', () => {
    const img = renderFrame(s, frame(0), { width: 100, height: 100 });
    expect(img.rgb).toHaveLength(100 * 100 * 3);
    expect(img.depth).toHaveLength(100 * 100);
    // The near face covers 50 ± 14.3 px; its pixels lie at depth 3.5 and take the label's colour, shaded.
    const chair = labelColor('chair');
    for (const [x, y] of [[50, 50], [38, 40], [62, 62]] as const) {
      const p = at(img, x, y);
      expect(img.depth[p]).toBeCloseTo(3.5, 5);
      const c = pixel(img.rgb, p);
      c.forEach((v, k) => {
        expect(v).toBeGreaterThan(0.5 * chair[k]!);
        expect(v).toBeLessThanOrEqual(chair[k]!);
      });
    }
    // Outside it the far wall (x = 8, depth 8) or floor and ceiling show.
    for (const [x, y] of [[20, 50], [80, 50], [50, 20]] as const) {
      const d = img.depth[at(img, x, y)]!;
      expect(d).toBeGreaterThan(3.6);
      expect(d).toBeLessThanOrEqual(8 + 1e-4);
    }
    expect(img.depth[at(img, 30, 50)]).toBeCloseTo(8, 4);
  });

  it('rescales the intrinsics to the requested size', () => {
    const img = renderFrame(s, frame(0), { width: 200, height: 200 });
    // Twice the resolution: the near face spans 100 ± 28.6 px.
    expect(img.depth[at(img, 100, 100)]).toBeCloseTo(3.5, 5);
    expect(img.depth[at(img, 75, 100)]).toBeCloseTo(3.5, 5);
    expect(img.depth[at(img, 68, 100)]).toBeGreaterThan(3.6);
  });

  it('draws nothing for a box behind the camera, and shows the nearer of two boxes', () => {
    const behind = renderFrame(scene([box(1, 'chair', [-0.5, 0, 1], [0.4, 0.4, 0.4])], [frame(0)], { room: ROOM }), frame(0), { width: 100, height: 100 });
    expect(behind.depth[at(behind, 50, 50)]).toBeCloseTo(8, 4);
    const two = renderFrame(scene([box(1, 'chair', [4, 0, 1]), box(2, 'tv', [2, 0, 1], [0.2, 0.4, 0.4])], [frame(0)], { room: ROOM }), frame(0), { width: 100, height: 100 });
    expect(two.depth[at(two, 50, 50)]).toBeCloseTo(1.9, 5);
    expect(two.depth[at(two, 36, 50)]).toBeCloseTo(3.5, 5);
  });
});

describe('renderFrame by splatting the point cloud', () => {
  it('draws the cloud at its projected place with its depth, and leaves the rest empty', () => {
    const s = scene([box(1, 'chair', [4, 0, 1])], [frame(0)], { room: ROOM, points: nearFaceCloud([200, 10, 20]) });
    const img = renderFrame(s, frame(0), { width: 100, height: 100 });
    for (const [x, y] of [[50, 50], [40, 58], [60, 42]] as const) {
      const p = at(img, x, y);
      expect(img.depth[p]).toBeCloseTo(3.5, 4);
      expect(pixel(img.rgb, p)).toEqual([200, 10, 20]);
    }
    for (const [x, y] of [[5, 5], [20, 50], [95, 95]] as const) {
      expect(img.depth[at(img, x, y)]).toBe(0);
      expect(pixel(img.rgb, at(img, x, y))).toEqual([0, 0, 0]);
    }
    const tinted = renderFrame(s, frame(0), { width: 100, height: 100, background: [1, 2, 3] });
    expect(pixel(tinted.rgb, at(tinted, 5, 5))).toEqual([1, 2, 3]);
    expect(pixel(tinted.rgb, at(tinted, 50, 50))).toEqual([200, 10, 20]);
  });

  it("uses the boxes instead when asked, and renders a synthetic scene's frame with most pixels drawn", () => {
    const s = scene([box(1, 'chair', [4, 0, 1])], [frame(0)], { room: ROOM, points: nearFaceCloud([200, 10, 20]) });
    expect(renderFrame(s, frame(0), { width: 100, height: 100, source: 'boxes' }).depth[at({ width: 100 }, 30, 50)]).toBeCloseTo(8, 4);
    const synthetic = generateSyntheticScene({ seed: 3 });
    for (const f of [synthetic.trajectory![0]!, synthetic.trajectory![20]!]) {
      const img = renderFrame(synthetic, f);
      expect([img.width, img.height]).toEqual([160, 120]);
      const drawn = img.depth.reduce((n, d) => n + (d > 0 ? 1 : 0), 0) / img.depth.length;
      // The synthesised cloud has no ceiling, so a frame tilted upwards can show some black.
      expect(drawn).toBeGreaterThan(0.6);
    }
  });
});

describe('encodePng', () => {
  const W = 7, H = 5;
  const rgb = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 37) % 256);

  /** Chunks of a PNG as [type, data], checking each CRC. */
  function chunks(png: Uint8Array): [string, Uint8Array][] {
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    const out: [string, Uint8Array][] = [];
    for (let at = 8; at < png.length; ) {
      const len = view.getUint32(at);
      const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
      const data = png.subarray(at + 8, at + 8 + len);
      expect(view.getUint32(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
      out.push([type, data]);
      at += 12 + len;
    }
    return out;
  }

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes the signature, IHDR, IDAT and IEND, and the pixels inflate back unchanged', () => {
    const png = encodePng(rgb, W, H);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    expect(list.map(([t]) => t)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = list[0]![1];
    const v = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength);
    expect(ihdr).toHaveLength(13);
    expect([v.getUint32(0), v.getUint32(4), ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]]).toEqual([W, H, 8, 2, 0, 0, 0]);
    const raw = inflateSync(list[1]![1]);
    expect(raw).toHaveLength(H * (1 + 3 * W));
    const back = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) {
      expect(raw[y * (1 + 3 * W)]).toBe(0);
      back.set(raw.subarray(y * (1 + 3 * W) + 1, (y + 1) * (1 + 3 * W)), y * 3 * W);
    }
    expect(back).toEqual(rgb);
    expect(list[2]![1]).toHaveLength(0);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(rgb, W + 1, H)).toThrow(RangeError);
    expect(() => encodePng(new Uint8Array(0), 0, 0)).toThrow(RangeError);
  });
});

describe('colorizeDepth', () => {
  it('maps empty pixels to black and the depth range onto the colormap', () => {
    const rgb = colorizeDepth(Float32Array.of(0, 1, 2, 3));
    expect(pixel(rgb, 0)).toEqual([0, 0, 0]);
    expect(pixel(rgb, 1)).toEqual(turbo(0));
    expect(pixel(rgb, 3)).toEqual(turbo(1));
    expect(pixel(rgb, 2)).not.toEqual(pixel(rgb, 1));
    const fixed = colorizeDepth(Float32Array.of(1, 10), { min: 0, max: 5 });
    expect(pixel(fixed, 1)).toEqual(turbo(1));
    // Turbo runs from blue (near) to red (far).
    expect(turbo(0.15)[2]).toBeGreaterThan(turbo(0.15)[0]);
    expect(turbo(0.9)[0]).toBeGreaterThan(turbo(0.9)[2]);
  });
});
