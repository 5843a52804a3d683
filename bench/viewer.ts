/**
 * Orbiting a 2M-point cloud in the scene viewer under Chromium's software WebGL (SwiftShader, as the browser
 * tests run it): frame times while the mouse drags the camera round, with full detail while moving and with
 * the viewer's reduced detail while moving (issue 14), and their ratio. The viewer is the renderer harness on
 * the FakeApi (a room-shaped cloud, test/helpers/rendererHarness.ts), built for production.
 *
 * One drag step: the pointer moves 6 px (a real input event: OrbitControls turns the camera and the viewer
 * renders on demand), then the page waits two animation frames (the second certainly after the viewer's own
 * render) and for a WebGL fence placed there to signal, i.e. until the GPU has drawn the frame. Frame ms is
 * the wall time of a step seen from Node: input, render and GPU, what a user waits for between two mouse
 * moves. Timing inside the page alone misleads here: Chromium aligns pointer events to frames and lets a
 * slow GPU frame overlap the next task. The two settings alternate drag by drag, so load from other processes
 * falls on both. `npx tsx bench/index.ts viewer`; `--quick` uses 200k points and fewer steps.
 */
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serveRendererHarness } from '../test/helpers/rendererHarness.js';
import { formatCount } from '../src/renderer/src/lib/format.js';
import { BUDGET_PRESETS } from '../src/renderer/src/views/scene/lod.js';
import { MAX_POINT_BUDGET } from '../src/shared/apiValidation.js';
import type { BenchContext, BenchModule, BenchRow } from './harness.js';

const VIEWPORT = { width: 1600, height: 1000 };
const LOD_TOGGLE = 'reduce detail while moving';

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Browser side, as text: this project's Node tsconfig has no DOM types. */
const FRAME_DRAWN = `new Promise((resolve) => {
  const gl = document.querySelector('[data-testid="scene-canvas"] canvas').getContext('webgl2');
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    gl.flush();
    const poll = () => {
      if (gl.getSyncParameter(sync, gl.SYNC_STATUS) === gl.SIGNALED) {
        gl.deleteSync(sync);
        resolve(null);
      } else {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { ch.port1.close(); poll(); };
        ch.port2.postMessage(null);
      }
    };
    poll();
  }));
})`;

/** Drags across the canvas centre; ms per step. */
async function drag(page: Page, steps: number, direction: 1 | -1): Promise<number[]> {
  const box = (await page.getByTestId('scene-canvas').locator('canvas').boundingBox())!;
  const x0 = box.x + box.width / 2 - direction * steps * 3;
  const y = box.y + box.height / 2;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  const ms: number[] = [];
  for (let i = 1; i <= steps; i++) {
    const t0 = performance.now();
    await page.mouse.move(x0 + direction * 6 * i, y);
    await page.evaluate(FRAME_DRAWN);
    ms.push(performance.now() - t0);
  }
  await page.mouse.up();
  await page.evaluate(FRAME_DRAWN);
  return ms;
}

export interface OrbitOptions {
  points: number;
  /** Chromium flags: SwiftShader's (the default, as the browser tests run) or a GPU's (bench/gpuCheck.ts). */
  chromiumArgs?: readonly string[];
  rounds: number;
  steps: number;
}

export interface OrbitResult {
  /** The WebGL renderer the page got (UNMASKED_RENDERER_WEBGL): shows whether a GPU or SwiftShader drew. */
  renderer: string;
  /** What the scene header shows, e.g. "5.0M of 10M points" (the viewer's point budget caps what is drawn). */
  shown: string;
  ms: Map<string, number[]>;
}

const RENDERER = `(() => {
  const gl = document.querySelector('[data-testid="scene-canvas"] canvas').getContext('webgl2');
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
})()`;

/** Frame times while orbiting `points` points, full and reduced detail alternating drag by drag. */
export async function orbitFrames(ctx: BenchContext, o: OrbitOptions): Promise<OrbitResult> {
  const drawn = Math.min(o.points, MAX_POINT_BUDGET);
  const budget = BUDGET_PRESETS.find((b) => b >= drawn) ?? MAX_POINT_BUDGET;
  const shown = `${formatCount(drawn)} of ${formatCount(o.points)} points`;
  const harness = await serveRendererHarness('production');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...(o.chromiumArgs ?? CHROMIUM_ARGS)] });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    await page.goto(`${harness.url}?points=${o.points}#/scene/synthetic%3As1`);
    await page.getByTestId('scene-canvas').locator('canvas').waitFor();
    if (drawn > 1_000_000) await page.locator('.presets button', { hasText: new RegExp(`^${formatCount(budget).replace('.', '\\.')}$`) }).click();
    await page.locator('.scene-head', { hasText: shown }).waitFor({ timeout: 300_000 });
    const renderer = String(await page.evaluate(RENDERER));
    const lod = page.getByRole('checkbox', { name: LOD_TOGGLE });
    const haveLod = (await lod.count()) > 0;
    const modes = [{ name: 'full detail while dragging', lod: false }];
    if (haveLod) modes.push({ name: 'reduced detail while dragging', lod: true });
    else ctx.log(`no "${LOD_TOGGLE}" control: full detail only`);
    const ms = new Map<string, number[]>(modes.map((m) => [m.name, []]));
    await drag(page, 3, 1); // warm-up: programs compiled, buffers uploaded
    for (let r = 0; r < o.rounds; r++) {
      for (const mode of modes) {
        if (haveLod) await lod.setChecked(mode.lod);
        const d = await drag(page, o.steps, r % 2 === 0 ? 1 : -1);
        ms.get(mode.name)!.push(...d);
        ctx.log(`${shown}, round ${r + 1}, ${mode.name}: ${d.map((v) => v.toFixed(0)).join(' ')} ms`);
      }
    }
    return { renderer, shown, ms };
  } finally {
    await browser.close();
    await harness.close();
  }
}

/** Mean, median and p95 rows per mode, and the full ÷ reduced ratios. */
export function orbitRows(label: string, r: OrbitResult): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const [mode, d] of r.ms) {
    rows.push(
      { name: `${label} points, ${mode}: frame, mean`, value: mean(d), unit: 'ms', note: `${d.length} steps; input + render + GPU; ${r.renderer}` },
      { name: `${label} points, ${mode}: frame, median`, value: quantile(d, 0.5), unit: 'ms' },
      { name: `${label} points, ${mode}: frame, p95`, value: quantile(d, 0.95), unit: 'ms' },
    );
  }
  const full = r.ms.get('full detail while dragging')!;
  const reduced = r.ms.get('reduced detail while dragging');
  if (reduced) {
    rows.push(
      { name: `${label} points: mean frame, full ÷ reduced detail`, value: mean(full) / mean(reduced), unit: '×' },
      { name: `${label} points: median frame, full ÷ reduced detail`, value: quantile(full, 0.5) / quantile(reduced, 0.5), unit: '×' },
    );
  }
  return rows;
}

async function run(ctx: BenchContext): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) {
    ctx.log(`skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return [];
  }
  const points = ctx.quick ? 200_000 : 2_000_000;
  const result = await orbitFrames(ctx, { points, rounds: ctx.quick ? 1 : 3, steps: ctx.quick ? 6 : 8 });
  return orbitRows(formatCount(points), result);
}

export const viewerBench: BenchModule = { title: 'Scene viewer: orbiting a 2M-point cloud (SwiftShader)', run };
