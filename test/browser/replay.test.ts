/**
 * The replay in a browser against a real run (issue 14, capability growth as a picture): a closed-loop run made by the
 * CLI is opened at #/replay/<run>; the scene draws, the panels show round 0, stepping with the keyboard moves every
 * panel to the next round with no further request for the scene's confidence, the URL follows and a reload of that
 * URL opens the same round.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatScore } from '../../src/renderer/src/lib/format.js';
import { haveChromium, openBrowserWorkbench, POLL, runLoopCli, type BrowserWorkbench } from './harness.js';
import { decodePng, pixelStats } from './png.js';

describe.skipIf(!haveChromium)('the replay in a browser (real host, real run)', () => {
  let w: BrowserWorkbench;
  let runId = '';

  beforeAll(async () => {
    w = await openBrowserWorkbench();
    // A tiny closed-loop run: three rounds, so there is a middle round and a controller decision to show.
    runId = await runLoopCli(w.workspaceDir, ['--base', 'none', '--scenes', 'synthetic:4', '--rounds', '3', '--steps', '2', '--batch', '4', '--candidates', '60', '--benchmark-per-family', '2', '--model', 'tiny', '--name', 'replayed', '--seed', '5']);
  }, 420_000);

  afterAll(async () => {
    await w?.close();
  }, 60_000);

  beforeEach(() => w?.mark());

  const text = (id: string): Promise<string> => w.page.getByTestId(id).innerText();

  it('steps through the rounds: scene, mix, buckets and held-out score move together, from one confidence request', async () => {
    const { page } = w;
    const detail = await w.host.getRun(runId);
    const sceneId = detail.split.find((s) => s.split === 'train')!.sceneId;
    const truth = await w.host.sceneConfidenceByRound(sceneId, runId);
    expect(truth.rounds.map((r) => r.round)).toEqual([0, 1, 2]);
    const scoreAt = (k: number): number => detail.metrics.find((m) => m.metric === 'score' && m.family === null && m.round === k)!.value;

    const before = w.requests.length;
    await page.goto(`${w.server.url}#/replay/${encodeURIComponent(runId)}`);
    await expect.poll(() => text('replay-round'), POLL).toBe('Round 0 (1 of 3)');
    expect(await page.getByTestId('replay-scene').inputValue()).toBe(sceneId);
    // The scene draws: the canvas is not one flat colour (how right its colours are is sceneViewer.test.ts's).
    await w.until(`!!document.querySelector('[data-testid="scene-canvas"] canvas')`);
    const box = await page.getByTestId('scene-canvas').boundingBox();
    expect(box!.width * box!.height).toBeGreaterThan(200 * 200);
    await expect.poll(async () => pixelStats(decodePng(await page.getByTestId('scene-canvas').screenshot())).nonDominant, POLL).toBeGreaterThan(0.02);
    await expect.poll(() => text('replay-questions'), POLL).toContain(`from ${truth.rounds[0]!.questions} answered questions after round 0`);
    expect(await text('replay-score')).toContain(`after round 0: ${formatScore(scoreAt(0))}`);

    // Keyboard stepping (what a presenter uses): every panel follows, and the URL names the round.
    await page.getByTestId('replay-view').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => text('replay-round'), POLL).toBe('Round 1 (2 of 3)');
    expect(await text('replay-score')).toContain(`after round 1: ${formatScore(scoreAt(1))}`);
    await expect.poll(() => text('replay-questions'), POLL).toContain(`from ${truth.rounds[1]!.questions} answered questions after round 1`);
    const c = detail.rounds.find((r) => r.round === 1)!.counts;
    const n = c.easy + c.frontier + c.hard;
    expect(await text('replay-buckets')).toContain(`of ${n} accepted questions`);
    expect(await text('replay-buckets')).toContain(`easy ${((100 * c.easy) / n).toFixed(0)}%`);
    await expect.poll(() => page.evaluate('location.hash'), POLL).toContain('round=1');
    await page.keyboard.press('End');
    await expect.poll(() => text('replay-round'), POLL).toBe('Round 2 (3 of 3)');

    // One load: the scene's confidence for every round came in a single request, whatever the stepping.
    const calls = w.requests.slice(before).filter((p) => p === '/api/sceneConfidenceByRound');
    expect(calls).toHaveLength(1);

    // The URL is the view: reloading it opens the same run, scene and round.
    const url = page.url();
    expect(url).toContain(`scene=${encodeURIComponent(sceneId).replace(/%2C/g, ',')}`);
    await page.goto('about:blank');
    await page.goto(url);
    await expect.poll(() => text('replay-round'), POLL).toBe('Round 2 (3 of 3)');
    // A screenshot of the page can be taken (SwiftShader produced no frame while the points were drawn 2 m wide).
    await w.shot('replay-reloaded', { docs: false });
    await w.expectClean();
  }, 180_000);
});
