/**
 * The LLM proposer against a scripted local endpoint: good answers are accepted; malformed, hostile and wrong
 * ones each end in a rejection naming why, and the round goes on; structured outputs with a text fallback; the
 * response cache reproduces a round without asking again; settings are validated naming `config.proposer.*`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProposerModelConfig } from '../../../src/shared/loop.js';
import { DEFAULT_PROPOSER_MODEL } from '../../../src/shared/loop.js';
import { InputError } from '../../../src/shared/errors.js';
import { resolveLoopConfig } from '../../../src/engine/loop/config.js';
import { LlmProposer, type ProposerCache, type ProposerResponse } from '../../../src/engine/proposer/llm/llmProposer.js';
import { jsonText, parseDraft } from '../../../src/engine/proposer/llm/parse.js';
import { runProposalRound } from '../../../src/engine/proposer/pipeline.js';
import { SCENE_API_DOC } from '../../../src/engine/proposer/program/apiDoc.js';
import { splitRequests } from '../../../src/engine/proposer/requests.js';
import type { ProgramRunner } from '../../../src/engine/proposer/runner.js';
import { createSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import type { QA } from '../../../src/engine/proposer/types.js';
import { createRng } from '../../../src/shared/random.js';
import { handData, handPrepared, LIVING_ROOM } from './handScenes.js';
import { scriptedServer, type Script, type ScriptedServer } from './llmServer.js';

let runner: ProgramRunner;
beforeAll(async () => {
  runner = await createSandboxRunner();
});
afterAll(() => runner.dispose());
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const model = (baseUrl: string): ProposerModelConfig => ({ ...DEFAULT_PROPOSER_MODEL, baseUrl, model: 'scripted', concurrency: 1, timeoutMs: 10_000, maxRetries: 0 });

function memoryCache(): ProposerCache & { map: Map<string, ProposerResponse> } {
  const map = new Map<string, ProposerResponse>();
  return { map, get: (k) => map.get(k), put: (k, _m, r) => void (map.has(k) || map.set(k, r)) };
}

const draft = (question: string, program: string, objects: [string, string][] = [['sofa', 'unique'], ['tv', 'unique']], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ question, options: [], answerType: 'number', program, objects: objects.map(([label, role]) => ({ label, role })), frame: null, ...extra });

const SOFA_TV = 'return scene.round(scene.distance(scene.unique("sofa"), scene.unique("tv")), 2);';
const q = (n: number): string => `Measuring from the closest point of each object, how far apart are the sofa and the tv (in meters)? (${n})`;

/** One scripted reply per draft, in order, with what must become of it. */
const CASES: { name: string; reply: string; rejectedBy?: string; reason?: RegExp }[] = [
  { name: 'good', reply: draft(q(1), SOFA_TV) },
  { name: 'good, fenced with prose around it', reply: `Here is the question:\n\`\`\`json\n${draft('How far is the lamp from the sofa at their closest points, in meters?', 'const s = scene.unique("sofa");\nconst l = scene.unique("lamp");\nreturn scene.round(scene.distance(s, l), 2);', [['sofa', 'unique'], ['lamp', 'unique']])}\n\`\`\`\nHope this helps.` },
  { name: 'not JSON', reply: 'I am sorry, I cannot write programs.', rejectedBy: 'response', reason: /not JSON/ },
  { name: 'missing fields', reply: JSON.stringify({ question: q(3) }), rejectedBy: 'response', reason: /answerType/ },
  { name: 'wrong types', reply: JSON.stringify({ question: q(4), options: [], answerType: 'number', program: 42, objects: [], frame: null }), rejectedBy: 'response', reason: /"program" missing or not a non-empty string/ },
  { name: 'wrong answer type', reply: draft(q(5), SOFA_TV, undefined, { answerType: 'choice', options: ['near', 'far'] }), rejectedBy: 'response', reason: /answered by a number/ },
  { name: 'objects not a list', reply: draft(q(6), SOFA_TV, undefined, { objects: 'sofa, tv' }), rejectedBy: 'response', reason: /"objects"/ },
  { name: 'require', reply: draft(q(7), 'return require("fs").readFileSync("/etc/passwd", "utf8").length;'), rejectedBy: 'program', reason: /require/ },
  { name: 'process', reply: draft(q(8), 'return process.env.HOME.length;'), rejectedBy: 'program', reason: /process/ },
  { name: 'globalThis escape', reply: draft(q(9), 'return globalThis.constructor.constructor("return process")().pid;'), rejectedBy: 'program', reason: /disabled in the sandbox|not a function|process/ },
  { name: 'Function from a function', reply: draft(q(10), 'return (() => 0).constructor("return this")().process.pid;'), rejectedBy: 'program', reason: /disabled in the sandbox/ },
  { name: 'endless loop', reply: draft(q(11), 'while (true) {}'), rejectedBy: 'program', reason: /^timeout/ },
  { name: 'giant string', reply: draft(q(12), 'let s = "x"; for (;;) s += s; return 1;'), rejectedBy: 'program', reason: /^(memory|timeout)/ },
  { name: 'huge output', reply: draft(q(13), 'return "x".repeat(60000);'), rejectedBy: 'program', reason: /characters\) where a finite number was expected/ },
  { name: 'wrapper escape', reply: draft(q(14), '}); (function () { return 1;'), rejectedBy: 'program', reason: /^syntax/ },
  { name: 'wrong: a constant', reply: draft(q(15), 'return 2.5;'), rejectedBy: 'agreement', reason: /answers 2\.5, the family's definition gives 1\.9/ },
  { name: 'wrong: other objects than the question', reply: draft(q(16), 'return scene.round(scene.distance(scene.unique("sofa"), scene.unique("lamp")), 2);', [['sofa', 'unique'], ['lamp', 'unique']]), rejectedBy: 'agreement', reason: /does not mention the lamp/ },
  { name: 'wrong: centre distance', reply: draft(q(17), 'return scene.round(scene.centerDistance(scene.unique("sofa"), scene.unique("tv")), 2);'), rejectedBy: 'agreement', reason: /gives 1\.9/ },
  { name: 'ambiguous label', reply: draft('How far is the chair from the tv at their closest points (in meters)?', 'return scene.round(scene.distance(scene.unique("chair"), scene.unique("tv")), 2);', [['chair', 'unique'], ['tv', 'unique']]), rejectedBy: 'program', reason: /label 'chair' is not unique/ },
  { name: 'good again after all that', reply: draft(q(20), 'const d = scene.distance(scene.object(1), scene.object(2));\nreturn Math.round(d * 100) / 100;') },
];

async function round(server: ScriptedServer, cache?: ProposerCache): Promise<QA[]> {
  const prepared = handPrepared(handData(LIVING_ROOM));
  const llm = new LlmProposer(model(server.url), { ...(cache ? { cache } : {}), feedback: () => 'Feedback from round 0: object_abs_distance was easy.' });
  const { qa } = await runProposalRound({
    scenes: [prepared],
    requests: [],
    routes: [{ proposer: llm, requests: [{ sceneId: prepared.scene.id, family: 'object_abs_distance', bin: 1, count: CASES.length }] }],
    seed: 5,
    runner,
    shortcut: false,
  });
  return qa;
}

describe('LLM proposer: every answer ends in a clear verdict and the round goes on', () => {
  it('accepts good drafts and rejects malformed, hostile and wrong ones with the reason', async () => {
    const server = await scriptedServer((_r, i) => CASES[i]!.reply);
    servers.push(server);
    const qa = await round(server);
    expect(qa).toHaveLength(CASES.length);
    CASES.forEach((c, i) => {
      const d = qa[i]!;
      expect(d.proposer, c.name).toBe('llm');
      if (!c.rejectedBy) {
        expect(d.verdict, `${c.name}: ${JSON.stringify(d.filterVerdicts)}`).toBe('accepted');
        return;
      }
      expect(d.verdict, c.name).toBe('rejected');
      expect(d.rejectedBy, `${c.name}: ${JSON.stringify(d.filterVerdicts)}`).toBe(c.rejectedBy);
      expect(d.filterVerdicts.find((v) => v.filter === c.rejectedBy)!.reason, c.name).toMatch(c.reason!);
    });
    expect(qa[0]!.answer).toBe(1.9);
    expect(qa[1]!.answer).toBe(1.3);
    // The reason quotes a huge return value clipped, not its 60,000 characters.
    expect(qa.find((d) => d.filterVerdicts.some((v) => v.reason?.includes('60002 characters')))!.filterVerdicts.every((v) => (v.reason ?? '').length < 400)).toBe(true);
    const accepted = qa.filter((d) => d.verdict === 'accepted').length;
    expect(accepted).toBe(3);
    console.log(`scripted LLM proposer: ${accepted} of ${qa.length} accepted (${Math.round((100 * accepted) / qa.length)}%)`);
  }, 60_000);

  it('asks with structured outputs at temperature 0 with a seed, lists earlier drafts, and sends the scene API documentation', async () => {
    const server = await scriptedServer((_r, i) => CASES[i]!.reply);
    servers.push(server);
    await round(server);
    const first = server.requests[0]!.body;
    expect(first.temperature).toBe(0);
    expect(typeof first.seed).toBe('number');
    expect((first.response_format as { type: string }).type).toBe('json_schema');
    const system = (first.messages as { role: string; content: string }[]).find((m) => m.role === 'system')!.content;
    expect(system).toContain(SCENE_API_DOC);
    expect(server.requests[0]!.user).toMatch(/2\ttv\tcenter 3, 0, 1\textents 0\.2, 1, 0\.6\tfirst seen in frame 0/);
    expect(server.requests[0]!.user).toContain('4\tchair (3 objects share this label)');
    expect(server.requests[0]!.user).toContain('Write one question of the family object_abs_distance');
    expect(server.requests[0]!.user).toContain('Difficulty: bin 1 of 0–2');
    expect(server.requests[0]!.user).toContain('Feedback from round 0');
    expect(server.requests[2]!.user).toContain(`- ${q(1)}`);
    expect(new Set(server.requests.map((r) => r.body.seed)).size).toBe(CASES.length);
  }, 60_000);

  it('falls back to plain text when the server refuses structured outputs, and asks nothing again from the cache', async () => {
    let refused = 0;
    const script: Script = (r, i) => {
      if (r.body.response_format) {
        refused++;
        return { status: 400, body: { error: { message: "response_format 'json_schema' is not supported by this server", type: 'invalid_request_error' } } };
      }
      return CASES[(i - refused) % CASES.length]!.reply;
    };
    const server = await scriptedServer(script);
    servers.push(server);
    const cache = memoryCache();
    const qa = await round(server, cache);
    expect(refused).toBe(1);
    expect(server.requests.slice(1).every((r) => r.body.response_format === undefined)).toBe(true);
    expect(qa.filter((d) => d.verdict === 'accepted').length).toBe(3);
    const asked = server.requests.length;
    const again = await round(server, cache);
    expect(server.requests.length).toBe(asked);
    expect(again.map((d) => [d.id, d.question, d.answer, d.rejectedBy])).toEqual(qa.map((d) => [d.id, d.question, d.answer, d.rejectedBy]));
  }, 60_000);

  it('an unreachable endpoint stops the round with a sentence that says what to do', async () => {
    const server = await scriptedServer(() => 'unused');
    const url = server.url;
    await server.close();
    const prepared = handPrepared(handData(LIVING_ROOM));
    const llm = new LlmProposer(model(url));
    await expect(
      runProposalRound({ scenes: [prepared], requests: [], routes: [{ proposer: llm, requests: [{ sceneId: prepared.scene.id, family: 'object_counting', bin: 0, count: 1 }] }], seed: 1, runner, shortcut: false }),
    ).rejects.toThrow(/cannot reach .*is the proposer's server running/);
  }, 30_000);
});

describe('LLM proposer: parsing, splitting, settings', () => {
  it('reads JSON from code fences and prose, letters options, and refuses what is not a draft', () => {
    expect(jsonText('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(jsonText('Sure! {"a": {"b": 2}} done')).toBe('{"a": {"b": 2}}');
    const ok = parseDraft(JSON.stringify({ question: 'Which is closest to the sofa: tv, lamp?', options: ['A. tv', 'lamp'], answerType: 'choice', program: 'return "tv";', objects: [{ label: 'sofa', role: 'unique' }], frame: null }), 'object_rel_distance');
    expect(ok).toMatchObject({ options: ['A. tv', 'B. lamp'] });
    expect(parseDraft('[1, 2]', 'object_counting')).toEqual({ malformed: 'malformed answer: expected a JSON object, found an array' });
    expect(parseDraft('', 'object_counting')).toEqual({ malformed: 'malformed answer: the model wrote nothing' });
    expect(parseDraft(draft('q', 'return 1;', [], { program: 'x'.repeat(9000) }), 'object_abs_distance')).toMatchObject({ malformed: expect.stringMatching(/longer than 8000/) });
    expect(parseDraft(draft('q', 'return 1;', [], { frame: -1 }), 'object_abs_distance')).toMatchObject({ malformed: expect.stringMatching(/frame/) });
  });

  it('splits a share of the drafts, keeping every cell\'s count and the same split for the same seed', () => {
    const reqs = [0, 1, 2, 3].map((bin) => ({ sceneId: 's', family: 'object_counting' as const, bin, count: 5 }));
    const a = splitRequests(reqs, 0.5, createRng(3));
    expect(a.shared.reduce((n, r) => n + r.count, 0)).toBe(10);
    for (const r of reqs) expect([...a.rest, ...a.shared].filter((x) => x.bin === r.bin).reduce((n, x) => n + x.count, 0)).toBe(5);
    expect(splitRequests(reqs, 0.5, createRng(3))).toEqual(a);
    expect(splitRequests(reqs, 0, createRng(3)).shared).toEqual([]);
    expect(splitRequests(reqs, 1, createRng(3)).rest).toEqual([]);
  });

  it('validates config.proposer, naming the field; share 0 and stored configs without it mean no LLM', () => {
    const llm = { baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen' };
    expect(resolveLoopConfig({}).proposer).toBeNull();
    expect(resolveLoopConfig({ proposer: { share: 0, llm } }).proposer).toBeNull();
    expect(resolveLoopConfig({ proposer: { share: 0.3, llm } }).proposer).toEqual({ share: 0.3, llm: { ...DEFAULT_PROPOSER_MODEL, ...llm } });
    const bad = (proposer: unknown, field: string): void => {
      expect(() => resolveLoopConfig({ proposer } as never)).toThrow(InputError);
      try {
        resolveLoopConfig({ proposer } as never);
      } catch (e) {
        expect((e as InputError).problems[0]!.field).toBe(field);
      }
    };
    bad({ share: 1.5, llm }, 'config.proposer.share');
    bad({ share: 0.5 }, 'config.proposer.llm');
    bad({ share: 0.5, llm: { ...llm, baseUrl: 'ftp://x' } }, 'config.proposer.llm.baseUrl');
    bad({ share: 0.5, llm: { ...llm, frames: 4 } }, 'config.proposer.llm.frames');
    bad({ share: 0.5, llm: { ...llm, temperature: 3 } }, 'config.proposer.llm.temperature');
    bad({ share: 0.5, llm, extra: 1 }, 'config.proposer.extra');
  });

  it('sends the scene API documentation as API.md has it', () => {
    expect(SCENE_API_DOC).toBe(readFileSync(new URL('../../../src/engine/proposer/program/API.md', import.meta.url), 'utf8'));
  });
});
