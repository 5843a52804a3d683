// Browser smoke test of the renderer on the fake API: builds test/renderer/harness with Vite, serves it, and
// walks every view in headless Chromium, failing on any console error or warning or page error.
// Usage: node test/renderer/harness/smoke.mjs [--chromium /usr/bin/chromium-headless-shell] [--shots DIR]
import react from '@vitejs/plugin-react';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const executablePath = arg('--chromium', '/usr/bin/chromium-headless-shell');
const shots = arg('--shots', null);
const root = resolve(import.meta.dirname);
const outDir = join(tmpdir(), 'ouroboros-renderer-harness');

// Development mode by default: React's development build reports key and hook warnings to the console.
const mode = process.argv.includes('--production') ? 'production' : 'development';
await build({ root, mode, plugins: [react()], logLevel: 'error', define: { 'process.env.NODE_ENV': JSON.stringify(mode) }, build: { outDir, emptyOutDir: true, sourcemap: true, minify: mode === 'production' } });

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
const server = createServer((req, res) => {
  const path = join(outDir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = existsSync(path) && !path.endsWith('/') ? path : join(outDir, 'index.html');
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath, args: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--ignore-gpu-blocklist'] });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
const problems = [];
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
if (shots) mkdirSync(shots, { recursive: true });
const shot = async (name) => {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`) });
};
const step = async (name, fn) => {
  const before = problems.length;
  try {
    await fn();
    console.log(`${problems.length === before ? 'ok  ' : 'WARN'} ${name}`);
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
    console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
  }
  await shot(name.replace(/\W+/g, '-'));
};
const visible = (testId) => page.getByTestId(testId).first().waitFor({ state: 'visible', timeout: 10_000 });

await step('runs list', async () => {
  await page.goto(`${base}#/runs`);
  await visible('run-row');
  await visible('start-run');
});
await step('select run, live progress', async () => {
  await page.getByTestId('run-row').last().click();
  await visible('rounds-table');
  await page.evaluate(() => {
    const f = window.__fake;
    f.emit({ type: 'run', runId: 'run-a', status: 'running' });
    f.emit({ type: 'stage', runId: 'run-a', round: 3, stage: 'propose', phase: 'start' });
    f.emit({ type: 'progress', runId: 'run-a', round: 3, stage: 'propose', done: 40, total: 100, unit: 'QA', perSecond: 900 });
  });
  await visible('live-stages');
});
await step('compare', async () => {
  const toggles = page.getByTestId('compare-toggle');
  await toggles.nth(0).check();
  await toggles.nth(1).check();
  await visible('compare-table');
});
await step('start form validation and start', async () => {
  await page.getByTestId('field-rounds').fill('0');
  await page.getByTestId('start-run').click();
  await page.getByText('expected an integer ≥ 1').first().waitFor({ timeout: 5000 });
  await page.getByTestId('field-rounds').fill('3');
  await page.getByTestId('start-run').click();
  await page.waitForFunction(() => location.hash.startsWith('#/runs/run-new'), null, { timeout: 5000 });
});
await step('api rejection banner', async () => {
  await page.evaluate(() => window.__fake.failNext('startRun', 'startRun(config).scenes[0]: no such source'));
  await page.getByTestId('start-run').click();
  await page.getByText('no such source').first().waitFor({ timeout: 5000 });
});
await step('qa explorer', async () => {
  await page.goto(`${base}#/qa`);
  await visible('qa-row');
  await page.getByTestId('qa-scroll').evaluate((el) => (el.scrollTop = 30 * 1500));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="qa-row"]')].some((r) => Number(r.getAttribute('data-qa-id')) > 1400), null, { timeout: 5000 });
  await page.getByTestId('qa-row').nth(3).click();
  await visible('qa-detail');
  await page.getByTestId('rerun-program').click();
  await visible('rerun-result');
  await page.getByTestId('group-by-family').check();
  await visible('qa-group');
  await page.getByTestId('filter-search').fill('chair');
  await page.waitForTimeout(500);
});
await step('heatmaps', async () => {
  await page.goto(`${base}#/heatmaps`);
  await visible('heatmap-cell');
  await page.getByTestId('heatmap-cell').nth(5).hover();
  await visible('tooltip');
});
await step('drill-down', async () => {
  await page.getByTestId('heatmap-kind-scene-family').click();
  await visible('heatmap-cell');
  await page.getByTestId('heatmap-cell').nth(2).click();
  await page.waitForFunction(() => location.hash.startsWith('#/qa?'), null, { timeout: 5000 });
  await visible('qa-row');
});
await step('curves', async () => {
  await page.goto(`${base}#/curves`);
  await visible('curves-chart');
  await visible('mix-segment');
  await page.getByTestId('mix-segment').first().hover();
  await visible('tooltip');
});
await step('training dynamics', async () => {
  await page.goto(`${base}#/training`);
  await visible('dynamics-loss');
  const box = await page.getByTestId('dynamics-loss').locator('svg').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // A vertical line has no width, so Playwright never calls it visible: count it instead.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="crosshair"]').length === 3, null, { timeout: 5000 });
  await page.getByTestId('layout-per-run').click();
  await visible('dynamics-run-row');
});
await step('compare groups', async () => {
  await page.goto(`${base}#/compare`);
  await visible('group-row');
  await visible('difference-row');
});
await step('experiment (none in the fake workspace)', async () => {
  await page.goto(`${base}#/experiment`);
  await visible('experiment-empty');
});
await step('scene view', async () => {
  await page.goto(`${base}#/scene/synthetic%3As1?objects=2,3`);
  await visible('scene-canvas');
  await visible('frame-image');
  await page.waitForTimeout(1500);
  await page.getByTestId('color-object').click();
  await page.getByTestId('color-confidence').click();
  await page.getByTestId('play-frames').click();
  await page.waitForTimeout(1200);
  await page.getByTestId('play-frames').click();
  await page.getByTestId('frame-scrubber').fill('5');
  await page.waitForTimeout(500);
});
await step('open in scene from QA', async () => {
  await page.goto(`${base}#/qa/7`);
  await visible('qa-detail');
  await page.getByTestId('open-in-scene').click();
  await page.waitForFunction(() => location.hash.startsWith('#/scene/'), null, { timeout: 5000 });
  await visible('scene-canvas');
  await page.waitForTimeout(800);
});
await step('viewer bench', async () => {
  await page.goto(`${base}#/bench/viewer?sizes=100000,1000000&frames=20&auto=1`);
  await page.waitForFunction(() => ['done', 'error'].includes(window.__viewerBench?.status), null, { timeout: 120_000 });
  const bench = await page.evaluate(() => window.__viewerBench);
  console.log(JSON.stringify(bench.results.map((r) => ({ points: r.points, uploadMs: +r.uploadMs.toFixed(1), meanMs: +r.meanMs.toFixed(2), p95Ms: +r.p95Ms.toFixed(2) }))));
  if (bench.status !== 'done') throw new Error(`bench ${bench.status}: ${bench.error}`);
});
await step('empty workspace', async () => {
  await page.goto(`${base}?empty=1#/runs`);
  await visible('runs-empty');
  for (const h of ['#/qa', '#/heatmaps', '#/curves', '#/scene']) {
    await page.goto(`${base}?empty=1${h}`);
    await page.waitForTimeout(300);
  }
});

await browser.close();
server.close();
if (problems.length > 0) {
  console.log(`\n${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('\nno console errors or warnings');
