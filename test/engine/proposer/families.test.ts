import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Family } from '../../../src/shared/proposer.js';
import { FAMILIES } from '../../../src/shared/proposer.js';
import { runProposalRound } from '../../../src/engine/proposer/pipeline.js';
import { prepareScene, type PreparedScene } from '../../../src/engine/proposer/prepare.js';
import { ProgrammaticProposer } from '../../../src/engine/proposer/proposer.js';
import { routeTurns } from '../../../src/engine/proposer/families/routePlanning.js';
import { uniformRequests } from '../../../src/engine/proposer/requests.js';
import type { ProgramRunner } from '../../../src/engine/proposer/runner.js';
import { createSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import type { QA } from '../../../src/engine/proposer/types.js';
import { generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';
import { handData, handPrepared, LIVING_ROOM } from './handScenes.js';

let runner: ProgramRunner;
beforeAll(async () => {
  runner = await createSandboxRunner();
});
afterAll(() => runner.dispose());

async function ask(family: Family, objects = LIVING_ROOM, opts: Parameters<typeof handData>[1] = {}, count = 6): Promise<QA[]> {
  const prepared = handPrepared(handData(objects, opts));
  const requests = [0, 1, 2].map((bin) => ({ sceneId: prepared.scene.id, family, bin, count }));
  const { qa } = await runProposalRound({ scenes: [prepared], requests, seed: 11, runner, shortcut: false });
  return qa.filter((q) => !q.filterVerdicts.some((v) => v.filter === 'duplicate'));
}

const only = (...labels: string[]) => LIVING_ROOM.filter((o) => labels.includes(o.label));
const optionText = (qa: QA): string => qa.options![qa.answer!.toString().charCodeAt(0) - 65]!.slice(3);

describe('family ground truth on a hand-built room (worked out by hand)', () => {
  it('object counting: 3 chairs, 1 sofa', async () => {
    const qa = await ask('object_counting');
    const chairs = qa.find((q) => q.question === 'How many chair(s) are in this room?')!;
    expect(chairs.answer).toBe(3);
    expect(chairs.verdict).toBe('accepted');
    expect(qa.find((q) => q.question.includes('sofa'))!.answer).toBe(1);
  });

  it('absolute distance: sofa (x ≤ 1) to tv (x ≥ 2.9) is 1.9 m between closest points', async () => {
    const [qa] = await ask('object_abs_distance', only('sofa', 'tv'));
    expect(qa!.question).toMatch(/^Measuring from the closest point of each object, what is the direct distance between the (sofa|tv) and the (sofa|tv) \(in meters\)\?$/);
    expect(qa!.answer).toBeCloseTo(1.9, 10);
  });

  it('object size: the sofa is 200 cm along its longest side, the lamp 150 cm', async () => {
    const qa = await ask('object_size_estimation', only('sofa', 'lamp'));
    expect(qa.find((q) => q.question.includes('sofa'))!.answer).toBe(200);
    expect(qa.find((q) => q.question.includes('lamp'))!.answer).toBe(150);
  });

  it('room size: 27.35 m² rounds to 27.4', async () => {
    const [qa] = await ask('room_size_estimation', LIVING_ROOM, { area: 27.35 });
    expect(qa!.answer).toBe(27.4);
  });

  it('relative distance: to the sofa, the lamp (1.3 m) beats the tv (1.9 m)', async () => {
    // Only sofa, tv, lamp are unique; with a 4th unique object (a plant 3 m behind) the reference varies.
    const plant = { id: 9, label: 'plant', center: [-4.25, 0, 0.5] as [number, number, number], extents: [0.5, 0.5, 1] as [number, number, number], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const qa = await ask('object_rel_distance', [...only('sofa', 'tv', 'lamp'), plant], {}, 10);
    const toSofa = qa.filter((q) => q.question.endsWith('closest to the sofa?'));
    expect(toSofa.length).toBeGreaterThan(0);
    // Gaps to the sofa: lamp 1.3 (y), tv 1.9 (x), plant 3.0 (x: −4 … −1).
    for (const q of toSofa) expect(optionText(q)).toBe('lamp');
  });

  it('relative direction: standing by the sofa facing the tv, the lamp is front-left', async () => {
    const [easy, medium, hard] = await Promise.all(
      (['object_rel_direction_easy', 'object_rel_direction_medium', 'object_rel_direction_hard'] as const).map((f) => ask(f, only('sofa', 'tv', 'lamp'), {}, 12)),
    );
    const pick = (qs: QA[]) => qs.find((q) => q.question.startsWith('If I am standing by the sofa and facing the tv, is the lamp'));
    // Facing +x from (0,0), the lamp at (1,2) is at atan2(2,1) = 63.4° to the left.
    expect(optionText(pick(easy!)!)).toBe('left');
    expect(optionText(pick(medium!)!)).toBe('left');
    expect(optionText(pick(hard!)!)).toBe('front-left');
    expect(pick(hard!)!.difficulty.angle).toBeCloseTo(63.4, 1);
  });

  it('appearance order follows the first visible frames', async () => {
    const first = { 1: 4, 2: 0, 3: 7, 4: 2, 5: 9, 6: 2 };
    const objects = [...LIVING_ROOM, { id: 7, label: 'plant', center: [4, 4, 0.5] as [number, number, number], extents: [0.4, 0.4, 1] as [number, number, number], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] }];
    const qa = await ask('obj_appearance_order', objects, { first: { ...first, 7: 5 } }, 6);
    expect(qa.length).toBeGreaterThan(0);
    // tv 0, chair 2 (first of its instances), sofa 4, plant 5, lamp 7.
    const rank: Record<string, number> = { tv: 0, chair: 2, sofa: 4, plant: 5, lamp: 7 };
    for (const q of qa) {
      const order = optionText(q).split(', ');
      expect([...order].sort((a, b) => rank[a]! - rank[b]!)).toEqual(order);
    }
  });

  it('height comparison and relative size', async () => {
    const [h] = await ask('object_height_comparison', only('sofa', 'tv', 'lamp'));
    expect(optionText(h!)).toBe('lamp'); // tops: sofa 0.8, tv 1.3, lamp 1.5
    const [s] = await ask('object_rel_size', only('sofa', 'tv', 'lamp'));
    expect(optionText(s!)).toBe('sofa'); // volumes: 1.6, 0.12, 0.24 m³
  });

  it('camera distance: from (0, −4, 1.5) to the tv box is √(2.9² + 3.5² + 0.2²)', async () => {
    const [qa] = await ask('camera_object_distance', only('tv'));
    expect(qa!.answer).toBeCloseTo(Math.round(Math.sqrt(2.9 ** 2 + 3.5 ** 2 + 0.2 ** 2) * 100) / 100, 10);
  });
});

describe('filters on the hand-built room', () => {
  it('a proposer that writes its own proposals goes through the same execution and filters', async () => {
    // Stands in for a generative proposer: fixed question + program text, including an ambiguous one and
    // hostile or broken programs.
    const prepared = handPrepared(handData(LIVING_ROOM));
    const base = { sceneId: prepared.scene.id, proposer: 'fixed', difficulty: {}, bin: 0, seed: 0, answerType: 'number' as const };
    const proposals = [
      { ...base, id: 'ok', family: 'object_size_estimation' as const, question: 'How long is the sofa (cm)?', program: 'return Math.round(scene.longestDimension(scene.unique("sofa")) * 100);', named: [{ label: 'sofa', role: 'unique' as const }] },
      { ...base, id: 'ambiguous', family: 'object_size_estimation' as const, question: 'How long is the chair (cm)?', program: 'return Math.round(scene.longestDimension(scene.byLabel("chair")[0]) * 100);', named: [{ label: 'chair', role: 'unique' as const }] },
      { ...base, id: 'loop', family: 'object_counting' as const, question: 'How many sofa(s) are in this room?', program: 'while (true) {}', named: [{ label: 'sofa', role: 'every' as const }] },
      { ...base, id: 'escape', family: 'object_counting' as const, question: 'How many tv(s) are in this room?', program: 'return process.exit(1);', named: [{ label: 'tv', role: 'every' as const }] },
      { ...base, id: 'type', family: 'object_counting' as const, question: 'How many lamp(s) are in this room?', program: 'return "three";', named: [{ label: 'lamp', role: 'every' as const }] },
    ];
    const fixed = { name: 'fixed', propose: () => ({ proposals, shortfalls: [] }) };
    const requests = [{ sceneId: prepared.scene.id, family: 'object_counting' as const, bin: 0, count: 1 }];
    const { qa } = await runProposalRound({ scenes: [prepared], requests, seed: 1, runner, proposer: fixed, shortcut: false });
    const by = Object.fromEntries(qa.map((q) => [q.id, q]));
    expect(by.ok!.verdict).toBe('accepted');
    expect(by.ok!.answer).toBe(200);
    expect(by.ambiguous!.rejectedBy).toBe('ambiguity');
    expect(by.ambiguous!.filterVerdicts.find((v) => v.filter === 'ambiguity')!.reason).toBe('"the chair" is ambiguous: the scene has 3');
    expect(by.loop!.rejectedBy).toBe('program');
    expect(by.loop!.filterVerdicts.find((v) => v.filter === 'program')!.reason).toMatch(/^timeout: /);
    expect(by.escape!.rejectedBy).toBe('program');
    expect(by.escape!.filterVerdicts.find((v) => v.filter === 'program')!.reason).toMatch(/process/);
    expect(by.type!.filterVerdicts.find((v) => v.filter === 'program')!.reason).toBe('returned "three" where a finite number was expected');
  });

  it('a computing proposer drafts each scene while the sandbox runs the one before; one that waits on a model is asked for every scene at once', async () => {
    // Fresh scenes for each round: a scene keeps its programs' outcomes, and would run nothing the second time.
    const prepare = (): PreparedScene[] => ['hand:a', 'hand:b', 'hand:c'].map((id) => handPrepared(handData(LIVING_ROOM), id));
    const requests = prepare().map((p) => ({ sceneId: p.scene.id, family: 'object_counting' as const, bin: 0, count: 2 }));
    const order: string[] = [];
    const logged: ProgramRunner = {
      runScene: (data, programs) => {
        order.push(`run ${data.sceneId}`);
        return runner.runScene(data, programs);
      },
      dispose: () => undefined,
    };
    const programmatic = new ProgrammaticProposer();
    const proposer = (computes: boolean) => ({
      name: 'logged',
      computes,
      propose: (input: Parameters<ProgrammaticProposer['propose']>[0]) => {
        order.push(`draft ${input.sceneId}`);
        return programmatic.propose(input);
      },
    });
    const rounds = [];
    for (const computes of [true, false]) {
      order.length = 0;
      rounds.push(await runProposalRound({ scenes: prepare(), requests, seed: 3, runner: logged, proposer: proposer(computes), shortcut: false }));
      expect(order).toEqual(
        computes
          ? ['draft hand:a', 'run hand:a', 'draft hand:b', 'run hand:b', 'draft hand:c', 'run hand:c']
          : ['draft hand:a', 'draft hand:b', 'draft hand:c', 'run hand:a', 'run hand:b', 'run hand:c'],
      );
    }
    // Either way the same questions with the same verdicts.
    expect(rounds[0]!.qa.length).toBeGreaterThan(0);
    expect(rounds[0]!.qa).toEqual(rounds[1]!.qa);
  });

  it('a program runs once per scene: a repeat in the batch or a later round takes the outcome it had', async () => {
    const [room] = generateSyntheticScenes(1, 7, { points: false });
    const scenes = [prepareScene(room!)];
    const requests = uniformRequests([room!.id], 6);
    const ran: string[] = [];
    const counting: ProgramRunner = {
      runScene: (data, programs) => {
        ran.push(...programs.map((p) => JSON.stringify(p)));
        return runner.runScene(data, programs);
      },
      dispose: () => undefined,
    };
    const first = await runProposalRound({ scenes, requests, seed: 3, runner: counting, shortcut: false });
    const calls = first.qa.filter((qa) => !qa.rejectedBy || !['response', 'duplicate'].includes(qa.rejectedBy)).map((qa) => JSON.stringify({ source: qa.program, args: qa.args }));
    // Some questions ask the same program (options reordered); it ran once.
    expect(calls.length).toBeGreaterThan(new Set(calls).size);
    expect(ran.length).toBe(new Set(ran).size);
    expect(new Set(ran)).toEqual(new Set(calls));
    ran.length = 0;
    // The same round again runs nothing and gives the same questions, verdicts and answers.
    const again = await runProposalRound({ scenes, requests, seed: 3, runner: counting, shortcut: false });
    expect(ran).toEqual([]);
    expect(again.qa).toEqual(first.qa);
    // A fresh scene (as a resumed run has) runs them again, to the same end.
    const fresh = await runProposalRound({ scenes: [prepareScene(room!)], requests, seed: 3, runner: counting, shortcut: false });
    expect(new Set(ran)).toEqual(new Set(calls));
    expect(fresh.qa).toEqual(first.qa);
  });

  it('rejects a direction question whose angle sits on a boundary', async () => {
    // Facing the tv from the sofa, a plant straight behind at 180° is on the easy and hard boundaries.
    const plant = { id: 9, label: 'plant', center: [-3, 0, 0.5] as [number, number, number], extents: [0.4, 0.4, 1] as [number, number, number], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const qa = await ask('object_rel_direction_easy', [...only('sofa', 'tv'), plant], {}, 12);
    const behind = qa.find((q) => q.question.startsWith('If I am standing by the sofa and facing the tv, is the plant'))!;
    expect(behind.verdict).toBe('rejected');
    expect(behind.rejectedBy).toBe('margin');
    expect(behind.filterVerdicts.find((v) => v.filter === 'margin')!.reason).toMatch(/angleMargin 0\.000 below the minimum 7\.5/);
  });

  it('rejects counting when an instance is never seen, and questions about invisible objects', async () => {
    const qa = await ask('object_counting', LIVING_ROOM, { first: { 5: 99 } });
    const chairs = qa.find((q) => q.question.includes('chair'))!;
    expect(chairs.rejectedBy).toBe('visibility');
    expect(chairs.filterVerdicts.find((v) => v.filter === 'visibility')!.reason).toBe('1 of 3 chair(s) never visible along the trajectory');
  });

  it('rejects overlapping duplicate boxes and degenerate ones as metadata noise', async () => {
    const dup = { ...LIVING_ROOM[3]!, id: 10, center: [-2.05, -2, 0.45] as [number, number, number] };
    const flat = { ...LIVING_ROOM[2]!, extents: [0.4, 0.4, 0.004] as [number, number, number] };
    const qa = await ask('object_counting', [...LIVING_ROOM.filter((o) => o.id !== 3), dup, flat]);
    expect(qa.find((q) => q.question.includes('chair'))!.filterVerdicts.find((v) => v.filter === 'noise')!.reason).toMatch(/overlapping duplicate boxes: chair #\d+ lies \d+% inside #\d+/);
    expect(qa.find((q) => q.question.includes('lamp'))!.filterVerdicts.find((v) => v.filter === 'noise')!.reason).toMatch(/degenerate box: smallest edge 0\.4 cm/);
  });
});

describe('on synthetic scenes', () => {
  it('every accepted program answer agrees with an independent host computation', async () => {
    const scenes = generateSyntheticScenes(6, 3).map((s) => prepareScene(s));
    const { qa } = await runProposalRound({ scenes, requests: uniformRequests(scenes.map((s) => s.scene.id), 2), seed: 5, runner });
    const byId = new Map(scenes.map((s) => [s.scene.id, s.api]));
    const accepted = qa.filter((q) => q.verdict === 'accepted');
    expect(new Set(accepted.map((q) => q.family)).size).toBeGreaterThanOrEqual(10);
    for (const q of accepted) {
      const api = byId.get(q.sceneId)!;
      const labels = q.named.map((n) => n.label);
      const u = (l: string) => api.unique(l);
      const expected: Partial<Record<Family, () => string | number>> = {
        object_counting: () => api.count(labels[0]!),
        object_abs_distance: () => Math.round(api.distance(u(labels[0]!), u(labels[1]!)) * 100) / 100,
        object_size_estimation: () => Math.round(Math.max(...u(labels[0]!).extents) * 100),
        object_rel_distance: () => [...labels.slice(1)].sort((a, b) => api.distance(u(labels[0]!), u(a)) - api.distance(u(labels[0]!), u(b)))[0]!,
        object_rel_size: () => [...labels].sort((a, b) => api.volume(u(b)) - api.volume(u(a)))[0]!,
        object_height_comparison: () => [...labels].sort((a, b) => api.top(u(b)) - api.top(u(a)))[0]!,
        route_planning: () => routeTurns(api.route(u(labels[0]!), u(labels[1]!), u(labels[2]!))!).join(', '),
      };
      const f = expected[q.family];
      if (!f) continue;
      const want = f();
      expect(typeof want === 'number' ? q.answer : optionText(q)).toEqual(want);
    }
  });

  it('is deterministic: same seed and scenes give an identical QA set', async () => {
    const scenes = generateSyntheticScenes(3, 8).map((s) => prepareScene(s));
    const requests = uniformRequests(scenes.map((s) => s.scene.id), 2);
    const a = await runProposalRound({ scenes, requests, seed: 42, runner });
    const b = await runProposalRound({ scenes, requests, seed: 42, runner });
    const c = await runProposalRound({ scenes, requests, seed: 43, runner });
    const strip = (qs: QA[]) => qs.map((q) => ({ ...q, filterVerdicts: q.filterVerdicts.map((v) => ({ ...v })) }));
    expect(strip(a.qa)).toEqual(strip(b.qa));
    expect(a.qa.map((q) => q.question)).not.toEqual(c.qa.map((q) => q.question));
  });

  it('reports per-family counts that add up', async () => {
    const scenes = generateSyntheticScenes(4, 2).map((s) => prepareScene(s));
    const { qa, stats } = await runProposalRound({ scenes, requests: uniformRequests(scenes.map((s) => s.scene.id), 2), seed: 1, runner });
    expect(stats.reduce((n, s) => n + s.generated, 0)).toBe(qa.length);
    for (const s of stats) expect(s.accepted + Object.values(s.removedBy).reduce((a, b) => a + b, 0)).toBe(s.generated);
    expect(stats.map((s) => s.family)).toEqual(FAMILIES.filter((f) => stats.some((s) => s.family === f)));
  });
});
