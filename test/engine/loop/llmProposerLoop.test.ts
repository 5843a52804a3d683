/**
 * A whole small loop with half of each round's drafts written by an LLM behind a scripted local endpoint: both
 * proposers' questions are stored (proposer 'programmatic' / 'llm'), the LLM's acceptance and rejection reasons
 * are recorded per round, a second identical run and a resumed run ask the endpoint nothing they were answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoundSummary, LoopConfigInput, LoopEvent } from '../../../src/shared/loop.js';
import { proposerSummaryText, resumeLoop, startLoop } from '../../../src/engine/loop/index.js';
import { listRounds, openStore, proposerStats, type Store } from '../../../src/engine/store/index.js';
import { summarizeRound } from '../../../src/engine/loop/metrics.js';
import { familyOf, scriptedServer, type Received, type ScriptedServer } from '../proposer/llmServer.js';
import { runDigest, SMALL_LOOP } from './loopFixture.js';

const dir = mkdtempSync(join(tmpdir(), 'ouroboros-llm-proposer-'));
const servers: ScriptedServer[] = [];
const stores: Store[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  for (const s of stores) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const CHOICE = /rel_direction|rel_distance|appearance|height_comparison|rel_size/;

/** A model that writes good counting, size and room questions and malformed, hostile or wrong ones otherwise. */
function reply(r: Received): string {
  const family = familyOf(r.user);
  const objects = [...r.user.matchAll(/^\d+\t([^\t]+?)( \((\d+) objects share this label\))?\t/gm)].map((m) => ({ label: m[1]!, shared: m[2] !== undefined }));
  const earlier = (r.user.split('Already drafted for this request')[1] ?? '').split('\n').filter((l) => l.startsWith('- ')).length;
  const labels = [...new Set(objects.map((o) => o.label))];
  const unique = objects.filter((o) => !o.shared).map((o) => o.label);
  const answer = (question: string, program: string, named: { label: string; role: string }[]): string =>
    JSON.stringify({ question, options: [], answerType: 'number', program, objects: named, frame: null });
  if (family === 'object_counting' && labels.length > 0) {
    const l = labels[earlier % labels.length]!;
    return answer(`Counting every instance, how many ${l} objects are in this room?`, `return scene.count(${JSON.stringify(l)});`, [{ label: l, role: 'every' }]);
  }
  if (family === 'object_size_estimation' && unique.length > 0) {
    const l = unique[earlier % unique.length]!;
    return `\`\`\`json\n${answer(`What is the longest side of the ${l} in centimeters?`, `return Math.round(scene.longestDimension(scene.unique(${JSON.stringify(l)})) * 100);`, [{ label: l, role: 'unique' }])}\n\`\`\``;
  }
  if (family === 'room_size_estimation') return answer('What is the floor area of this room in square meters?', 'return scene.round(scene.roomArea(), 1);', []);
  const answerType = CHOICE.test(family) ? 'choice' : 'number';
  const options = answerType === 'choice' ? ['left', 'right'] : [];
  // From the request itself, never from arrival order: the scripted model must answer a prompt the same each time.
  switch (Number(r.body.seed) % 4) {
    case 0:
      return 'Sorry, I can only chat.';
    case 1:
      return JSON.stringify({ question: 'What?', options, answerType, program: 'return require("child_process").execSync("id").toString();', objects: [], frame: null });
    case 2:
      return JSON.stringify({ question: 'Loop?', options, answerType, program: 'while (true) {}', objects: [], frame: null });
    default:
      return JSON.stringify({ question: 7, options: 'none', answerType, program: '', objects: null });
  }
}

const asked = (s: ScriptedServer): string[] => s.requests.map((r) => JSON.stringify(r.body));

describe('a small loop with the LLM proposer at share 0.5', () => {
  const config = (url: string): LoopConfigInput => ({ ...SMALL_LOOP, name: 'llm proposer', proposer: { share: 0.5, llm: { baseUrl: url, model: 'scripted-proposer', concurrency: 4, maxRetries: 0 } } });
  let reference: { digest: Record<string, unknown>; requests: number };

  it('completes, stores both proposers\' questions, records acceptance per proposer, and a second identical run asks nothing', async () => {
    const server = await scriptedServer((r) => reply(r));
    servers.push(server);
    const store = openStore({ workspaceDir: join(dir, 'a') });
    stores.push(store);
    const summaries: RoundSummary[] = [];
    const onEvent = (e: LoopEvent): void => void (e.type === 'round' && summaries.push(e.summary));
    const run = await (await startLoop(store, config(server.url), { onEvent })).done;
    expect(run.status, run.error ?? '').toBe('completed');
    expect(summaries).toHaveLength(2);
    for (const s of summaries) {
      const by = Object.fromEntries((s.proposers ?? []).map((p) => [p.proposer, p]));
      expect(Object.keys(by).sort()).toEqual(['llm', 'programmatic']);
      const llm = by.llm!;
      // Half of the 240 requested drafts per round (rounded), each answered or rejected with a reason.
      expect(llm.proposed).toBe(120);
      expect(llm.accepted).toBeGreaterThan(0);
      expect(llm.accepted).toBeLessThan(llm.proposed);
      expect(llm.rejectedBy.response).toBeGreaterThan(0);
      expect(llm.rejectedBy.program).toBeGreaterThan(0);
      expect(llm.reasons[0]!.reason).not.toBe('');
      expect(by.programmatic!.proposed).toBe(s.counts.proposed - llm.proposed);
      const text = proposerSummaryText(s.proposers);
      expect(text).toMatch(/^llm proposer: \d+ of 120 accepted \(\d+%; programmatic \d+%\); rejected by .*response \d+.*; most often: /);
      console.log(`round ${s.round}: ${text}`);
    }
    // The workbench's round summary (host/watcher) reads the same from the store.
    const stored = summarizeRound(store, run.id, listRounds(store, run.id)[1]!);
    expect(stored.proposers).toEqual(summaries[1]!.proposers);
    expect(proposerStats(store, run.id, 0)).toEqual(summaries[0]!.proposers);
    // LLM drafts that passed went on to the solver like any other.
    const llmAnswered = store.db.prepare(`SELECT count(*) FROM solver_outputs s JOIN qa q ON q.id = s.qa_id WHERE q.run_id = ? AND q.proposer = 'llm'`).pluck().get(run.id) as number;
    expect(llmAnswered).toBeGreaterThan(0);
    // Round 1 was told how the solver fared in round 0.
    expect(server.requests.some((r) => r.user.includes('Feedback from round 0'))).toBe(true);

    const requests = server.requests.length;
    expect(new Set(asked(server)).size).toBe(requests);
    reference = { digest: runDigest(store, run.id), requests };
    const again = await (await startLoop(store, config(server.url))).done;
    expect(again.status).toBe('completed');
    expect(server.requests.length).toBe(requests);
    expect(runDigest(store, again.id).qa).toEqual(reference.digest.qa);
  }, 300_000);

  it('an endpoint failure mid-round pauses the run; resumed, it asks only what was not answered and drafts the same', async () => {
    let down = false;
    let round1 = 0;
    const answered = new Set<string>();
    const server = await scriptedServer((r) => {
      // Fail partway through round 1's drafts, and everything after, until the server is "fixed".
      if (r.user.includes('Feedback from round 0') && ++round1 > 20) down = true;
      if (down) return { status: 503, body: { error: { message: 'overloaded' } } };
      answered.add(JSON.stringify(r.body));
      return reply(r);
    });
    servers.push(server);
    const store = openStore({ workspaceDir: join(dir, 'b') });
    stores.push(store);
    const paused = await (await startLoop(store, config(server.url))).done;
    expect(paused.status).toBe('paused');
    expect(paused.error).toMatch(/proposer endpoint .* failed \(503\)/);
    const answeredBefore = new Set(answered);
    down = false;
    round1 = -1e9;
    const before = server.requests.length;
    const resumed = await (await resumeLoop(store, paused.id)).done;
    expect(resumed.status, resumed.error ?? '').toBe('completed');
    const again = server.requests.slice(before).map((r) => JSON.stringify(r.body));
    expect(again.length).toBeGreaterThan(0);
    expect(again.filter((b) => answeredBefore.has(b))).toEqual([]);
    expect(runDigest(store, paused.id).qa).toEqual(reference.digest.qa);
  }, 300_000);
});
