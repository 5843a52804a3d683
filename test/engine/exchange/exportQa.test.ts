import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportQa } from '../../../src/engine/exchange/exportQa.js';
import type { LlavaSample } from '../../../src/engine/exchange/llavaConversation.js';
import type { ExportedQaRecord } from '../../../src/engine/exchange/qaExportRecord.js';
import { readVsiQuestions, resolveQuestionScenes } from '../../../src/engine/exchange/vsiQuestions.js';
import { PNG_SIGNATURE } from '../../../src/engine/perception/png.js';
import { createRound, createRun, insertQaBatch, insertSolverOutputs, listScenes, saveScenes, type Store } from '../../../src/engine/store/index.js';
import type { NewQa } from '../../../src/shared/records.js';
import { inputError } from '../../helpers/errors.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { makeQa, newRun, useWorkspaces } from '../store/fixtures.js';
import { vsiScenes } from './fixtures.js';

const BIG = 'vsibench:scene0251_00';
const SMALL = 'vsibench:scene0277_02';

/** A run with two rounds of QA over two real scenes, as the loop writes them (with args, named objects and a frame). */
function seed(store: Store): { runId: string; ids: number[] } {
  saveScenes(store, vsiScenes());
  const run = createRun(store, newRun({ id: 'run-1', name: 'export test' }));
  for (const round of [0, 1]) createRound(store, { runId: run.id, round, status: 'completed', stage: 'evaluate' });
  const counting = (round: number, sceneId: string, i: number, label: string, n: number): NewQa =>
    makeQa(run.id, round, sceneId, i, {
      proposalId: `${sceneId}/object_counting/${i}`,
      family: 'object_counting',
      question: `How many ${label}(s) are in this room?`,
      options: null,
      answerType: 'number',
      answer: n,
      program: 'return scene.count(args.label);',
      programResult: n,
      verdict: 'accepted',
      rejectedBy: null,
      reason: null,
      difficulty: { count: n },
      bin: 1,
      args: { label },
      named: [{ label, role: 'every' }],
    });
  const rows: NewQa[] = [
    counting(0, BIG, 0, 'chair', 2),
    makeQa(run.id, 0, SMALL, 1, {
      family: 'object_rel_direction_easy',
      question: 'If I am standing by the bed and facing the door, is the chair to the left or the right of the door?',
      options: ['A. left', 'B. right'],
      answerType: 'choice',
      answer: 'B',
      program: 'const angle = scene.floorAngle(scene.unique(args.standingBy), scene.unique(args.facing), scene.unique(args.query));\nreturn angle > 0 ? "left" : "right";',
      programResult: 'right',
      verdict: 'accepted',
      rejectedBy: null,
      reason: null,
      difficulty: { angle: -60, angleMargin: 60 },
      bin: 0,
      args: { standingBy: 'bed', facing: 'door', query: 'chair' },
      named: [{ label: 'bed', role: 'unique' }],
    }),
    // Rejected: never exported.
    makeQa(run.id, 0, SMALL, 4, { verdict: 'rejected', rejectedBy: 'shortcut', reason: 'blind baseline answers it' }),
    counting(1, SMALL, 5, 'trash bin', 2),
    makeQa(run.id, 1, SMALL, 7, {
      family: 'camera_object_distance',
      question: 'In frame 6 of 32 of the video, how far is the camera from the closest point of the bed (in meters)?',
      options: null,
      answerType: 'number',
      answer: 1.87,
      program: 'return scene.round(scene.cameraDistance(scene.unique(args.object), args.frame), 2);',
      programResult: 1.87,
      verdict: 'accepted',
      rejectedBy: null,
      reason: null,
      difficulty: { distance: 1.87, frame: 5 },
      bin: 1,
      args: { object: 'bed', frame: 5 },
      named: [{ label: 'bed', role: 'unique' }],
      frame: 5,
    }),
  ];
  const ids = insertQaBatch(store, rows);
  insertSolverOutputs(store, [{ qaId: ids[0]!, round: 0, checkpointId: null, prediction: '2', confidence: 0.95, bucket: 'easy', answerTokenProbs: [0.95] }]);
  return { runId: run.id, ids };
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

const readJsonl = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportedQaRecord);

describe('exportQa', () => {
  const ws = useWorkspaces();
  const tmp = useTmpDirs();
  const small = { frames: 4, frameWidth: 64, frameHeight: 48 };

  it('writes one VSI-Bench-shaped JSONL per round with the accepted QA and their provenance', () => {
    const store = ws.open(ws.dir());
    const { runId, ids } = seed(store);
    const out = join(tmp(), 'export');
    const summary = exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'jsonl' });
    expect(summary).toMatchObject({ runId, questions: 4, scenes: 2, frameFiles: 0, withoutAnswer: [] });
    expect(files(out)).toEqual(['export.json', 'qa-round0.jsonl', 'qa-round1.jsonl']);
    const round0 = readJsonl(join(out, 'qa-round0.jsonl'));
    expect(round0.map((r) => r.id)).toEqual([ids[0], ids[1]]);
    expect(round0[0]).toEqual({
      id: ids[0],
      dataset: 'scannet',
      scene_name: 'scene0251_00',
      question_type: 'object_counting',
      question: 'How many chair(s) are in this room?',
      options: null,
      ground_truth: '2',
      round: 0,
      program: 'return scene.count(args.label);',
      args: { label: 'chair' },
      difficulty: { count: 2 },
      bin: 1,
      confidence: 0.95,
      bucket: 'easy',
      scene_id: BIG,
      proposal_id: `${BIG}/object_counting/0`,
    });
    expect(round0[1]).toMatchObject({ question_type: 'object_rel_direction_easy', options: ['A. left', 'B. right'], ground_truth: 'B', confidence: null, bucket: null });
    expect(readJsonl(join(out, 'qa-round1.jsonl')).map((r) => r.question_type)).toEqual(['object_counting', 'camera_object_distance']);
    const manifest = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'ouroboros-qa-export', run: { id: runId }, questions: 4, conversations: null });

    // The export reads back as external questions over the same stored scenes.
    const back = readVsiQuestions(join(out, 'qa-round1.jsonl'));
    expect(resolveQuestionScenes(back, listScenes(store)).map((q) => q.sceneId)).toEqual([SMALL, SMALL]);
  });

  it('writes LLaVA-NeXT multi-image conversations with one <image> per frame, each scene rendered once', () => {
    const store = ws.open(ws.dir());
    const { runId, ids } = seed(store);
    const out = join(tmp(), 'export');
    const summary = exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'conversation', ...small });
    const pngs = files(out).filter((f) => f.endsWith('.png'));
    // 4 frames per scene, plus frame 5 of the small scene that a question names and the even spread skips.
    expect(pngs.filter((f) => f.startsWith('frames/vsibench_scene0251_00/'))).toHaveLength(4);
    expect(pngs.filter((f) => f.startsWith('frames/vsibench_scene0277_02/'))).toHaveLength(5);
    expect(summary.frameFiles).toBe(9);
    expect(files(out).filter((f) => !f.startsWith('frames/'))).toEqual(['export.json', 'llava-round0.json', 'llava-round1.json']);
    const png = readFileSync(join(out, pngs[0]!));
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    expect(png.readUInt32BE(16)).toBe(64);
    expect(png.readUInt32BE(20)).toBe(48);

    const conv0 = JSON.parse(readFileSync(join(out, 'llava-round0.json'), 'utf8')) as LlavaSample[];
    expect(conv0.map((c) => c.id)).toEqual([`${runId}/${ids[0]}`, `${runId}/${ids[1]}`]);
    for (const c of conv0) {
      expect(c.conversations.map((t) => t.from)).toEqual(['human', 'gpt']);
      expect(c.conversations[0].value.match(/<image>/g)).toHaveLength(c.image.length);
      expect(c.conversations[0].value.startsWith('<image>\n<image>\n<image>\n<image>\nThese are frames of a video.\n')).toBe(true);
      for (const p of c.image) expect(existsSync(join(out, p))).toBe(true);
    }
    expect(conv0[0]!.image).toEqual(['0000', '0010', '0021', '0031'].map((f) => `frames/vsibench_scene0251_00/${f}.png`));
    expect(conv0[0]!.conversations[0].value).toMatch(/How many chair\(s\) are in this room\?\nPlease answer the question using a single word or phrase\.$/);
    expect(conv0[0]!.conversations[1].value).toBe('2');
    expect(conv0[1]!.conversations[0].value).toMatch(/Options:\nA\. left\nB\. right\nAnswer with the option's letter from the given choices directly\.$/);
    expect(conv0[1]!.conversations[1].value).toBe('B');

    // The question about frame 6 (index 5) gets that frame among its images, in order, and is told which it is.
    const conv1 = JSON.parse(readFileSync(join(out, 'llava-round1.json'), 'utf8')) as LlavaSample[];
    const camera = conv1.find((c) => c.question_type === 'camera_object_distance')!;
    expect(camera.image).toEqual(['0000', '0005', '0010', '0021', '0031'].map((f) => `frames/vsibench_scene0277_02/${f}.png`));
    expect(camera.conversations[0].value).toContain('Frame 6 of 32 of the video is image 2 of 5. In frame 6 of 32');
    expect(camera.conversations[0].value.match(/<image>/g)).toHaveLength(5);
  });

  it('exports one round alone, and is deterministic byte for byte', () => {
    const store = ws.open(ws.dir());
    const { runId } = seed(store);
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    exportQa(store, { allowEvalScenes: true, runId, round: 1, outDir: a, ...small });
    exportQa(store, { allowEvalScenes: true, runId, round: 1, outDir: b, ...small });
    expect(files(a)).toEqual(files(b));
    expect(files(a).filter((f) => !f.startsWith('frames/'))).toEqual(['export.json', 'llava-round1.json', 'qa-round1.jsonl']);
    for (const f of files(a)) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f)))).toBe(true);
  });

  it('refuses a folder that has content unless told to overwrite, and leaves no temp files', () => {
    const store = ws.open(ws.dir());
    const { runId } = seed(store);
    const out = tmp();
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const e = inputError(() => exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'jsonl' }));
    expect(e.message).toMatch(/is not empty \(notes\.txt\); choose an empty or new folder, or pass --overwrite/);
    expect(files(out)).toEqual(['notes.txt']);
    exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'jsonl', overwrite: true });
    exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'jsonl', overwrite: true });
    expect(files(out)).toEqual(['export.json', 'notes.txt', 'qa-round0.jsonl', 'qa-round1.jsonl']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('explains an unknown run, an unknown round and bad options', () => {
    const store = ws.open(ws.dir());
    const { runId } = seed(store);
    const out = join(tmp(), 'x');
    expect(inputError(() => exportQa(store, { allowEvalScenes: true, runId: 'nope', outDir: out })).message).toMatch(/no run "nope" in .*workbench\.db; recent runs: run-1 \(export test\)/);
    expect(inputError(() => exportQa(store, { allowEvalScenes: true, runId, round: 7, outDir: out })).message).toMatch(/run run-1 has no round 7; it has 0, 1/);
    expect(inputError(() => exportQa(store, { allowEvalScenes: true, runId, outDir: out, frames: 0 })).message).toMatch(/frames: expected a whole number from 1 to 256, found 0/);
    expect(existsSync(out)).toBe(false);
  });
});
