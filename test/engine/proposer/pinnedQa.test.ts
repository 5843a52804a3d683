/**
 * The proposer's output must not move when only its speed changes: the main job's results and every recorded
 * experiment rest on the questions, programs, answers and verdicts it makes. This pins a digest of one round over
 * generated rooms and VSI-Bench layouts (every family, every filter's verdict, the shortfalls), taken at 13116c2
 * before the speed-ups of 2026-12-05. A change meant to alter what the proposer makes updates the digest and says
 * so in its commit.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_SPECS } from '../../../src/engine/proposer/families/index.js';
import { runProposalRound } from '../../../src/engine/proposer/pipeline.js';
import { prepareScene } from '../../../src/engine/proposer/prepare.js';
import { uniformRequests } from '../../../src/engine/proposer/requests.js';
import { createSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';
import { importVsiMetaInfo } from '../../../src/engine/sources/vsibench.js';
import { arkitMetaFile, requireSharedData, scannetMetaFile } from '../../helpers/shared.js';

let runner: Awaited<ReturnType<typeof createSandboxRunner>>;
beforeAll(async () => {
  runner = await createSandboxRunner();
});
afterAll(() => runner.dispose());

describe("the proposer's output is pinned", () => {
  it('one round over 10 generated rooms and 10 VSI-Bench layouts', async () => {
    requireSharedData();
    const keep = (id: string): boolean => createHash('sha256').update(id).digest()[0]! % 16 === 0;
    const real = [scannetMetaFile, arkitMetaFile].flatMap((f) => importVsiMetaInfo(f, { seed: 0, keep, synthesizePoints: false }).scenes).slice(0, 10);
    expect(real.length).toBe(10);
    const prepared = [...generateSyntheticScenes(10, 7, { points: false }), ...real].map((s) => prepareScene(s));
    const result = await runProposalRound({ scenes: prepared, requests: uniformRequests(prepared.map((p) => p.scene.id), 6), seed: 1, runner });
    expect(result.qa.length).toBeGreaterThan(500);
    // Every family drafted, and every verdict met, so the digest covers them all.
    expect(new Set(result.qa.map((q) => q.family)).size).toBe(Object.keys(FAMILY_SPECS).length);
    expect(new Set(result.qa.map((q) => q.rejectedBy ?? 'accepted')).size).toBeGreaterThan(4);
    const digest = createHash('sha256').update(JSON.stringify({ qa: result.qa, shortfalls: result.shortfalls })).digest('hex').slice(0, 16);
    expect(digest).toBe('b929e4402f1370f7');
  });
});
