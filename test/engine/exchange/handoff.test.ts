/**
 * The hand-off to external tools: LLaMA-Factory datasets of what a run trained on, and its held-out benchmark as an
 * lmms-eval task whose utils.py is run with python3 and must agree with the TypeScript prompt and scorer.
 * LLaMA-Factory and lmms-eval themselves are not installed here (they need PyTorch and model weights): what is
 * checked is the data they read, by their documented rules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateScores, scorePrediction } from '../../../src/engine/eval/vsiScore.js';
import { exportBenchmark } from '../../../src/engine/exchange/exportBenchmark.js';
import { blindAnswers } from '../../../src/engine/loop/debiased.js';
import { exportQa } from '../../../src/engine/exchange/exportQa.js';
import { llamaFactoryEntry, type LlamaFactorySample } from '../../../src/engine/exchange/llamaFactory.js';
import type { LlavaSample } from '../../../src/engine/exchange/llavaConversation.js';
import type { LmmsEvalDoc } from '../../../src/engine/exchange/lmmsEval.js';
import { vsiPrompt } from '../../../src/engine/exchange/vsiRecord.js';
import { storedLoopConfig } from '../../../src/engine/loop/config.js';
import type { LoopContext } from '../../../src/engine/loop/context.js';
import { startLoop } from '../../../src/engine/loop/index.js';
import { TRAINED_SAMPLES_METRIC } from '../../../src/engine/loop/metrics.js';
import { trainingSelection } from '../../../src/engine/loop/stages.js';
import {
  createRound,
  createRun,
  insertQaBatch,
  listBenchmarkQuestions,
  listRounds,
  listMetrics,
  markTrained,
  openStore,
  saveScenes,
  type Store,
} from '../../../src/engine/store/index.js';
import type { NewQa, RunRecord } from '../../../src/shared/records.js';
import { inputError } from '../../helpers/errors.js';
import { repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP } from '../loop/loopFixture.js';
import { makeQa, newRun, useWorkspaces } from '../store/fixtures.js';
import { vsiScenes } from './fixtures.js';

const BIG = 'vsibench:scene0251_00';
const SMALL = 'vsibench:scene0277_02';
const small = { frames: 4, frameWidth: 64, frameHeight: 48 };

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

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** Two rounds of accepted QA over two real scenes (one naming a frame), round 1 trained on two of them. */
function seed(store: Store): { runId: string; ids: number[] } {
  saveScenes(store, vsiScenes());
  const run = createRun(store, newRun({ id: 'run-1', name: 'hand-off test' }));
  for (const round of [0, 1]) createRound(store, { runId: run.id, round, status: 'completed', stage: 'evaluate' });
  const accepted = { verdict: 'accepted' as const, rejectedBy: null, reason: null };
  const rows: NewQa[] = [
    makeQa(run.id, 0, BIG, 0, {
      ...accepted,
      family: 'object_counting',
      question: 'How many chair(s) are in this room?',
      options: null,
      answerType: 'number',
      answer: 2,
      args: { label: 'chair' },
    }),
    makeQa(run.id, 0, SMALL, 1, {
      ...accepted,
      family: 'object_rel_direction_easy',
      question: 'If I am standing by the bed and facing the door, is the chair to the left or the right of the door?',
      options: ['A. left', 'B. right'],
      answerType: 'choice',
      answer: 'B',
      args: { standingBy: 'bed', facing: 'door', query: 'chair' },
    }),
    makeQa(run.id, 1, SMALL, 7, {
      ...accepted,
      family: 'camera_object_distance',
      question: 'In frame 6 of 32 of the video, how far is the camera from the closest point of the bed (in meters)?',
      options: null,
      answerType: 'number',
      answer: 1.87,
      args: { object: 'bed', frame: 5 },
      frame: 5,
    }),
  ];
  const ids = insertQaBatch(store, rows);
  markTrained(store, run.id, 1, [ids[0]!, ids[2]!]);
  return { runId: run.id, ids };
}

describe('LLaMA-Factory export', () => {
  const ws = useWorkspaces();
  const tmp = useTmpDirs();

  it('writes ShareGPT datasets with one <image> per image, paths that resolve under dataset_dir, and their dataset_info.json entries', () => {
    const store = ws.open(ws.dir());
    const { runId, ids } = seed(store);
    const out = join(tmp(), 'lf');
    const summary = exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'llama-factory', ...small });
    expect(files(out).filter((f) => !f.startsWith('frames/'))).toEqual(['dataset_info.json', 'export.json', 'sharegpt-round0.json', 'sharegpt-round1.json']);
    expect(summary.datasetInfo).toEqual({ added: ['ouroboros_run-1_round0', 'ouroboros_run-1_round1'], replaced: [], kept: 0, names: ['ouroboros_run-1_round0', 'ouroboros_run-1_round1'] });
    expect(readJson(join(out, 'dataset_info.json'))).toEqual({
      'ouroboros_run-1_round0': {
        file_name: 'sharegpt-round0.json',
        formatting: 'sharegpt',
        columns: { messages: 'messages', images: 'images' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant' },
      },
      'ouroboros_run-1_round1': llamaFactoryEntry('sharegpt-round1.json'),
    });

    const round0 = readJson<LlamaFactorySample[]>(join(out, 'sharegpt-round0.json'));
    expect(round0.map((s) => s.id)).toEqual([`${runId}/${ids[0]}`, `${runId}/${ids[1]}`]);
    expect(round0[0]).toEqual({
      messages: [
        {
          role: 'user',
          content: '<image>\n<image>\n<image>\n<image>\nThese are frames of a video.\nHow many chair(s) are in this room?\nPlease answer the question using a single word or phrase.',
        },
        { role: 'assistant', content: '2' },
      ],
      images: ['0000', '0010', '0021', '0031'].map((f) => `frames/vsibench_scene0251_00/${f}.png`),
      id: `${runId}/${ids[0]}`,
      question_type: 'object_counting',
    });
    expect(round0[1]!.messages[1].content).toBe('B');
    const round1 = readJson<LlamaFactorySample[]>(join(out, 'sharegpt-round1.json'));
    for (const s of [...round0, ...round1]) {
      expect(s.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      // LLaMA-Factory refuses a sample whose <image> tokens and images differ in number.
      expect(s.messages[0].content.match(/<image>/g)).toHaveLength(s.images.length);
      // LLaMA-Factory joins each path to media_dir (= dataset_dir = the export folder): each must be a file there.
      for (const p of s.images) {
        expect(isAbsolute(p) || p.includes('\\')).toBe(false);
        expect(existsSync(join(out, p))).toBe(true);
      }
    }
    // The question about frame 6 shows that frame and says which image it is, as the LLaVA export does.
    expect(round1[0]!.images).toHaveLength(5);
    expect(round1[0]!.messages[0].content).toContain('Frame 6 of 32 of the video is image 2 of 5. In frame 6 of 32');

    // Same prompt and images as the LLaVA-NeXT export of the same questions.
    const llava = join(tmp(), 'llava');
    exportQa(store, { allowEvalScenes: true, runId, outDir: llava, format: 'conversation', ...small });
    const conv = [...readJson<LlavaSample[]>(join(llava, 'llava-round0.json')), ...readJson<LlavaSample[]>(join(llava, 'llava-round1.json'))];
    expect([...round0, ...round1].map((s) => [s.messages[0].content, s.messages[1].content, s.images])).toEqual(conv.map((c) => [c.conversations[0].value, c.conversations[1].value, c.image]));
    expect(readJson<{ llamaFactory: { datasets: string[] } }>(join(out, 'export.json')).llamaFactory.datasets).toEqual(['ouroboros_run-1_round0', 'ouroboros_run-1_round1']);
  });

  it('merges into an existing dataset_info.json, keeping other entries and their order, replacing only its own', () => {
    const store = ws.open(ws.dir());
    const { runId } = seed(store);
    const out = tmp();
    const demo = { file_name: 'mllm_demo.json', formatting: 'sharegpt', columns: { messages: 'messages', images: 'images' } };
    writeFileSync(join(out, 'dataset_info.json'), JSON.stringify({ mllm_demo: demo, 'ouroboros_run-1_round1': { file_name: 'stale.json' }, identity: { file_name: 'identity.json' } }));
    expect(inputError(() => exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'llama-factory', ...small })).message).toMatch(/is not empty \(dataset_info\.json\).*--overwrite/);
    const summary = exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'llama-factory', overwrite: true, ...small });
    expect(summary.datasetInfo).toMatchObject({ added: ['ouroboros_run-1_round0'], replaced: ['ouroboros_run-1_round1'], kept: 2 });
    const info = readJson<Record<string, unknown>>(join(out, 'dataset_info.json'));
    expect(Object.keys(info)).toEqual(['mllm_demo', 'ouroboros_run-1_round1', 'identity', 'ouroboros_run-1_round0']);
    expect(info.mllm_demo).toEqual(demo);
    expect(info.identity).toEqual({ file_name: 'identity.json' });
    expect(info['ouroboros_run-1_round1']).toEqual(llamaFactoryEntry('sharegpt-round1.json'));
    // The trained selection is a dataset of its own beside the accepted one.
    exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'llama-factory', trained: true, overwrite: true, ...small });
    expect(Object.keys(readJson<object>(join(out, 'dataset_info.json')))).toEqual([
      'mllm_demo',
      'ouroboros_run-1_round1',
      'identity',
      'ouroboros_run-1_round0',
      'ouroboros_run-1_trained_round0',
      'ouroboros_run-1_trained_round1',
    ]);
    expect(files(out).filter((f) => f.startsWith('.'))).toEqual([]);

    writeFileSync(join(out, 'dataset_info.json'), '{"mllm_demo": ');
    expect(inputError(() => exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'llama-factory', overwrite: true, ...small })).message).toMatch(/dataset_info\.json is not valid JSON/);
    expect(readFileSync(join(out, 'dataset_info.json'), 'utf8')).toBe('{"mllm_demo": ');
    writeFileSync(join(out, 'dataset_info.json'), '[]');
    expect(inputError(() => exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'llama-factory', overwrite: true, ...small })).message).toMatch(/is not a JSON object of dataset entries/);
  });

  it('--trained exports what each round trained on, in every format', () => {
    const store = ws.open(ws.dir());
    const { runId, ids } = seed(store);
    const out = join(tmp(), 'trained');
    const summary = exportQa(store, { allowEvalScenes: true, runId, outDir: out, format: 'both', trained: true, ...small });
    expect(summary.rounds.map((i) => [i.round, i.questions, i.files])).toEqual([
      [0, 0, ['qa-trained-round0.jsonl', 'llava-trained-round0.json']],
      [1, 2, ['qa-trained-round1.jsonl', 'llava-trained-round1.json']],
    ]);
    const lines = readFileSync(join(out, 'qa-trained-round1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: number; round: number });
    // Round 1 trained on a question round 0 proposed and one of its own.
    expect(lines.map((l) => [l.id, l.round])).toEqual([
      [ids[0], 0],
      [ids[2], 1],
    ]);
    expect(readJson<{ selection: string }>(join(out, 'export.json')).selection).toMatch(/trained on/);
  });
});

const python = ((): string | undefined => {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import sys; assert sys.version_info >= (3, 6)'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return undefined;
})();

/** Runs the exported utils.py on docs and predictions; returns what it computed. */
function runUtils(dir: string, input: unknown): Record<string, unknown> {
  const script = `
import json, os, sys
sys.path.insert(0, sys.argv[1])
import utils
data = json.load(sys.stdin)
docs = data["docs"]
out = {"texts": [utils.doc_to_text(d, data["kwargs"]) for d in docs],
       "texts_default": [utils.doc_to_text(d) for d in docs],
       "frames_exist": all(os.path.isfile(p) for d in docs for p in utils.frame_paths(d)),
       "scores": [], "aggregates": []}
for case in data["cases"]:
    result = utils.process_results(docs[case["doc"]], [case["prediction"]])
    assert sorted(result) == sorted(utils.METRICS), sorted(result)
    out["scores"].append(result[utils.OVERALL_METRIC]["score"])
for group in data["groups"]:
    rows = [utils.process_results(docs[c["doc"]], [c["prediction"]])[utils.OVERALL_METRIC] for c in group]
    families = sorted({r["question_type"] for r in rows})
    out["aggregates"].append({"overall": utils.aggregate_overall(rows),
                              "families": {f: getattr(utils, "aggregate_" + f)(rows) for f in families}})
# lmms-eval reads the YAML with a loader that turns "!function utils.x" into utils.x; PyYAML, where present,
# checks the file parses and that every function it names is in utils.py.
try:
    import yaml
except ImportError:
    yaml = None
if yaml is not None:
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("!function", lambda loader, node: "!function " + loader.construct_scalar(node))
    with open(data["yaml"]) as f:
        config = yaml.load(f, Loader=Loader)
    named = [v for v in [config["doc_to_visual"], config["doc_to_text"], config["process_results"]] + [m["aggregation"] for m in config["metric_list"]]]
    out["yaml"] = {"config": config, "missing": [n for n in named if not callable(getattr(utils, n.split(".", 1)[1], None))]}
else:
    out["yaml"] = None
json.dump(out, sys.stdout)
`;
  const r = spawnSync(python!, ['-c', script, dir], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Predictions that exercise every branch of the scorer: exact, near, far, case, full stops, junk, specials. */
function predictionsFor(doc: LmmsEvalDoc): string[] {
  if (doc.options && doc.options.length > 0) {
    const wrong = doc.ground_truth === 'A' ? 'B' : 'A';
    return [doc.ground_truth, `${doc.ground_truth.toLowerCase()}.`, `${doc.ground_truth}. ${doc.options[0]!.slice(3)}`, wrong, 'Z', '', ` ${doc.ground_truth}`];
  }
  const gt = Number(doc.ground_truth);
  return [doc.ground_truth, `${doc.ground_truth}.`, String(gt * 1.07), String(gt * 0.62), String(-gt), '1e1', 'inf', 'NaN', 'abc', '', ' 3', '3 meters', '.5', '+2.', '٣'];
}

describe('lmms-eval export of a run\'s held-out benchmark, and the round selection on a real run', () => {
  const tmp = useTmpDirs();
  let store: Store;
  let run: RunRecord;

  let workspace: string;

  // One small loop for the whole block (a few seconds): its folder outlives each test, unlike tmp()'s.
  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'ouroboros-handoff-'));
    store = openStore({ workspaceDir: workspace });
    const handle = await startLoop(store, SMALL_LOOP, { onEvent: () => undefined });
    run = await handle.done;
    expect(run.status, run.error ?? '').toBe('completed');
  }, 300_000);

  afterAll(() => {
    store?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('exports as each round\'s samples exactly the loop\'s training selection', () => {
    const ctx = { store, run, config: storedLoopConfig(run.config) } as unknown as LoopContext;
    const out = join(tmp(), 'trained');
    const summary = exportQa(store, { allowEvalScenes: true, runId: run.id, outDir: out, format: 'llama-factory', trained: true, ...small });
    const rounds = listRounds(store, run.id).map((i) => i.round);
    expect(summary.rounds.map((i) => i.round)).toEqual(rounds);
    let total = 0;
    for (const k of rounds) {
      const selected = trainingSelection(ctx, k).map((q) => `${run.id}/${q.id}`).sort();
      const exported = readJson<LlamaFactorySample[]>(join(out, `sharegpt-trained-round${k}.json`)).map((s) => s.id).sort();
      expect(selected.length).toBeGreaterThan(0);
      expect(exported).toEqual(selected);
      // The loop's own count of what round k trained on.
      expect(listMetrics(store, { runId: run.id, round: k, metric: TRAINED_SAMPLES_METRIC })[0]?.value).toBe(exported.length);
      total += exported.length;
    }
    expect(summary.questions).toBe(total);
    expect(Object.keys(readJson<object>(join(out, 'dataset_info.json')))).toEqual(rounds.map((k) => `ouroboros_${run.id}_trained_round${k}`));
  });

  it('writes the task YAML, VSI-record docs with frames that exist, and a utils.py', () => {
    const out = join(tmp(), 'lmms');
    const summary = exportBenchmark(store, { runId: run.id, outDir: out, task: 'ouro_heldout', ...small });
    const setId = listMetrics(store, { runId: run.id, family: null, metric: 'score' })[0]!.benchmarkSetId;
    const questions = listBenchmarkQuestions(store, setId);
    expect(summary).toMatchObject({ runId: run.id, setId, task: 'ouro_heldout', questions: questions.length });
    expect(files(out).filter((f) => !f.startsWith('frames/'))).toEqual([
      'export.json',
      'ouro_heldout.jsonl',
      'ouro_heldout.yaml',
      'ouro_heldout_debiased.jsonl',
      'ouro_heldout_debiased.yaml',
      'utils.py',
    ]);

    const docs = readFileSync(join(out, 'ouro_heldout.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LmmsEvalDoc);
    expect(docs.map((d) => d.id)).toEqual(questions.map((q) => q.id));
    for (const d of docs) {
      expect(Object.keys(d)).toEqual(['id', 'dataset', 'scene_name', 'question_type', 'question', 'options', 'ground_truth', 'images', 'context', 'scene_id']);
      expect(d.dataset).toBe('synthetic');
      expect(typeof d.ground_truth).toBe('string');
      expect(d.images.length).toBeGreaterThanOrEqual(4);
      for (const p of d.images) expect(existsSync(join(out, p))).toBe(true);
    }

    const yaml = readFileSync(join(out, 'ouro_heldout.yaml'), 'utf8');
    expect(yaml).toContain('\ntask: ouro_heldout\ndataset_path: json\ndataset_kwargs:\n  data_files:\n    test: ');
    const dataFile = JSON.parse(/\n {4}test: (".*")\n/.exec(yaml)![1]!) as string;
    expect(isAbsolute(dataFile)).toBe(true);
    expect(readFileSync(dataFile, 'utf8')).toBe(readFileSync(join(out, 'ouro_heldout.jsonl'), 'utf8'));
    for (const line of ['test_split: test', 'output_type: generate_until', 'doc_to_visual: !function utils.doc_to_visual', 'doc_to_text: !function utils.doc_to_text', 'doc_to_target: ground_truth', 'process_results: !function utils.process_results']) {
      expect(yaml).toContain(`\n${line}\n`);
    }
    const metrics = [...yaml.matchAll(/- metric: (\S+)\n {4}aggregation: !function utils\.(\S+)\n/g)].map((m) => [m[1], m[2]]);
    const families = [...new Set(docs.map((d) => d.question_type))];
    expect(metrics).toEqual([['vsibench_score', 'aggregate_overall'], ...families.map((f) => [`${f}_score`, `aggregate_${f}`])]);
    expect(yaml).toContain(`pre_prompt: "These are frames of a video."`);
  });

  it('exports the debiased version beside the full one, with the solver’s and the blind model’s scores on both', () => {
    const out = join(tmp(), 'debiased');
    const summary = exportBenchmark(store, { runId: run.id, outDir: out, task: 'ouro_heldout', ...small });
    const setId = summary.setId;
    const questions = listBenchmarkQuestions(store, setId);
    const removed = new Set(blindAnswers(questions).filter((a) => a.removed).map((a) => a.questionId));
    const read = (f: string) => readFileSync(join(out, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LmmsEvalDoc);
    // Exactly the full docs without those the rule removes, in the same order.
    expect(read('ouro_heldout_debiased.jsonl')).toEqual(read('ouro_heldout.jsonl').filter((d) => !removed.has(d.id)));
    expect(summary.debiased.questions).toBe(questions.length - removed.size);
    const yaml = readFileSync(join(out, 'ouro_heldout_debiased.yaml'), 'utf8');
    expect(yaml).toContain('\ntask: ouro_heldout_debiased\n');
    expect(JSON.parse(/\n {4}test: (".*")\n/.exec(yaml)![1]!)).toBe(join(out, 'ouro_heldout_debiased.jsonl'));
    // The loop recorded the solver on both versions every round; the export reports the last round's.
    const last = Math.max(...listRounds(store, run.id).map((r) => r.round));
    const metric = (name: string) => listMetrics(store, { runId: run.id, round: last, family: null, metric: name })[0]!;
    expect(metric('score_debiased').n).toBe(questions.length - removed.size);
    const manifest = readJson<{ debiased: { removedQuestionIds: number[]; scores: { solver: { round: number; full: { overall: number }; debiased: { overall: number } }; blind: { full: { overall: number } } } } }>(join(out, 'export.json'));
    expect(manifest.debiased.removedQuestionIds).toEqual(questions.filter((q) => removed.has(q.id)).map((q) => q.id));
    expect(manifest.debiased.scores.solver).toMatchObject({ round: last, full: { overall: metric('score').value }, debiased: { overall: metric('score_debiased').value } });
    const overall = summary.debiased.gaps.at(-1)!;
    expect(overall.family).toBeNull();
    expect(overall.gap.full).toBeCloseTo(metric('score').value - manifest.debiased.scores.blind.full.overall, 12);
  });

  it.skipIf(!python)(`utils.py gives the TypeScript prompt and VSI-Bench scores (python3: ${python ?? 'not found at /usr/bin/python3 or on PATH, so skipped'})`, () => {
    const out = join(tmp(), 'lmms');
    exportBenchmark(store, { runId: run.id, outDir: out, ...small });
    const docs = readFileSync(join(out, `ouroboros_heldout_${run.id.replace(/[^A-Za-z0-9_]/g, '_')}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as LmmsEvalDoc);
    // A doc with frame context, so the context path of doc_to_text is exercised even if the benchmark had none.
    docs.push({ ...docs[0]!, id: -1, context: 'Frame 6 of 32 of the video is image 2 of 5.' });
    const cases = docs.flatMap((d, doc) => predictionsFor(d).map((prediction) => ({ doc, prediction })));
    // Groups for aggregation: one prediction per doc (rotating through its cases), and the same without the hard level.
    const byDoc = docs.map((_, doc) => cases.filter((c) => c.doc === doc));
    const rotate = byDoc.map((cs, i) => cs[i % cs.length]!);
    const groups = [rotate, rotate.filter((c) => docs[c.doc]!.question_type !== 'object_rel_direction_hard'), byDoc.map((cs) => cs[0]!)];
    const kwargs = { pre_prompt: 'These are frames of a video.', mca_post_prompt: "Answer with the option's letter from the given choices directly.", na_post_prompt: 'Please answer the question using a single word or phrase.' };
    const task = `ouroboros_heldout_${run.id.replace(/[^A-Za-z0-9_]/g, '_')}`;
    const py = runUtils(out, { docs, kwargs, cases, groups, yaml: join(out, `${task}.yaml`) }) as {
      yaml: { config: Record<string, unknown>; missing: string[] } | null;
      texts: string[];
      texts_default: string[];
      frames_exist: boolean;
      scores: number[];
      aggregates: { overall: number; families: Record<string, number> }[];
    };

    const expected = docs.map((d) => vsiPrompt(d.context ? `${d.context} ${d.question}` : d.question, d.options));
    expect(py.texts).toEqual(expected);
    expect(py.texts_default).toEqual(expected);
    expect(py.frames_exist).toBe(true);
    if (py.yaml) {
      expect(py.yaml.missing).toEqual([]);
      expect(py.yaml.config).toMatchObject({
        task,
        dataset_path: 'json',
        dataset_kwargs: { data_files: { test: join(out, `${task}.jsonl`) } },
        test_split: 'test',
        output_type: 'generate_until',
        doc_to_target: 'ground_truth',
        lmms_eval_specific_kwargs: { default: kwargs },
      });
    }
    expect(py.scores).toEqual(cases.map((c) => scorePrediction(docs[c.doc]!.question_type, c.prediction, docs[c.doc]!.ground_truth)));
    expect(new Set(py.scores).size).toBeGreaterThan(3);
    for (const [i, group] of groups.entries()) {
      const rows = group.map((c) => ({ family: docs[c.doc]!.question_type, score: scorePrediction(docs[c.doc]!.question_type, c.prediction, docs[c.doc]!.ground_truth) }));
      const ts = aggregateScores(rows);
      expect(py.aggregates[i]!.overall).toBe(ts.overall);
      expect(py.aggregates[i]!.families).toEqual(Object.fromEntries(ts.families.map((f) => [f.family, f.score])));
    }
  });
});

describe('exchange CLI: the hand-off commands', () => {
  const tmp = useTmpDirs();
  const tsx = join(repoRoot, 'node_modules/.bin/tsx');
  const cli = join(repoRoot, 'src/engine/cli/exchange.ts');
  const exchange = (args: string[], workspace: string) => spawnSync(tsx, [cli, ...args, '--workspace', workspace], { encoding: 'utf8', cwd: repoRoot });

  it('exports a LLaMA-Factory dataset, and names the flag or the missing step in one line otherwise', () => {
    const ws = tmp();
    const store = openStore({ workspaceDir: ws });
    try {
      createRun(store, newRun({ id: 'run-1' }));
      createRound(store, { runId: 'run-1', round: 0, status: 'completed', stage: 'evaluate' });
    } finally {
      store.close();
    }
    const out = join(tmp(), 'lf');
    const ok = exchange(['export', '--run', 'run-1', '--out', out, '--format', 'llama-factory', '--trained'], ws);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/exported 0 trained-on questions of run run-1/);
    expect(ok.stdout).toContain(`llamafactory-cli train <your config.yaml> dataset_dir=${out} dataset=ouroboros_run-1_trained_round0`);
    expect(readJson(join(out, 'dataset_info.json'))).toEqual({ 'ouroboros_run-1_trained_round0': llamaFactoryEntry('sharegpt-trained-round0.json') });

    const cases: [string[], RegExp][] = [
      [['export-benchmark', '--run', 'run-1'], /^error: --out: missing; it is required/],
      [['export-benchmark', '--run', 'run-1', '--out', join(tmp(), 'b'), '--format', 'lmms'], /^error: --format: expected one of lmms-eval, found "lmms"/],
      [['export-benchmark', '--run', 'run-1', '--out', join(tmp(), 'b'), '--task', '1bad-name'], /^error: --task: expected a letter then letters, digits or _/],
      [['export-benchmark', '--run', 'run-1', '--out', join(tmp(), 'b'), '--round', '0'], /^error: --round: unknown option/],
      [['export-benchmark', '--run', 'run-1', '--out', join(tmp(), 'b')], /^error: .*run run-1 has no held-out score yet.*export after its first evaluation/],
      [['export', '--run', 'run-1', '--out', join(tmp(), 'c'), '--format', 'sharegpt'], /^error: --format: expected one of jsonl, conversation, both, llama-factory, found "sharegpt"/],
    ];
    for (const [args, message] of cases) {
      const r = exchange(args, ws);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
