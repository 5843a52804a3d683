/**
 * `eval-questions` on a large VSI-Bench question file (issue 11: 50 MB took 305 s and 3.1 GB with no progress):
 * seconds and peak RSS of the whole command (check, model load, answers, predictions file) with the default
 * solver over synthetic scenes, in a child process so the RSS is the command's own.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vsiSceneName } from '../src/engine/exchange/sceneNames.js';
import { Solver } from '../src/engine/solver/solver.js';
import { generateSyntheticScenes } from '../src/engine/sources/synthetic.js';
import { createRound, createRun, openStore, saveCheckpoint, saveScenes } from '../src/engine/store/index.js';
import { createRng } from '../src/shared/random.js';
import type { Scene } from '../src/shared/scene.js';
import type { BenchModule } from './harness.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** VSI-Bench-shaped records over the scenes' own labels, about `bytes` of JSON Lines. */
function writeQuestions(file: string, scenes: readonly Scene[], bytes: number): number {
  const rng = createRng(11);
  const fd = openSync(file, 'w');
  let size = 0;
  let n = 0;
  try {
    while (size < bytes) {
      const lines: string[] = [];
      for (let k = 0; k < 1000; k++, n++) {
        const scene = scenes[n % scenes.length]!;
        const labels = [...new Set(scene.objects.map((o) => o.label))];
        const [a, b, c, d] = [rng.pick(labels), rng.pick(labels), rng.pick(labels), rng.pick(labels)];
        const base = { id: n, dataset: scene.dataset, scene_name: vsiSceneName(scene.id) };
        const kind = n % 4;
        const record =
          kind === 0
            ? { ...base, question_type: 'object_counting', question: `How many ${a}(s) are in this room?`, options: null, ground_truth: String(1 + rng.int(5)) }
            : kind === 1
              ? { ...base, question_type: 'object_abs_distance', question: `Measuring from the closest point of each object, what is the direct distance between the ${a} and the ${b} (in meters)?`, options: null, ground_truth: rng.range(0.3, 5).toFixed(2) }
              : kind === 2
                ? {
                    ...base,
                    question_type: 'object_rel_distance',
                    question: `Measuring from the closest point of each object, which of these objects (${b}, ${c}, ${d}) is the closest to the ${a}?`,
                    options: [`A. ${b}`, `B. ${c}`, `C. ${d}`],
                    ground_truth: 'ABC'[rng.int(3)]!,
                  }
                : { ...base, question_type: 'room_size_estimation', question: 'What is the size of this room (in square meters)? If multiple rooms are shown, estimate the size of the combined space.', options: null, ground_truth: scene.room.area.toFixed(1) };
        lines.push(JSON.stringify(record));
      }
      const text = `${lines.join('\n')}\n`;
      writeSync(fd, text);
      size += Buffer.byteLength(text);
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

export const evalQuestionsBench: BenchModule = {
  title: 'eval-questions on a large question file',
  async run(ctx) {
    const megabytes = ctx.quick ? 1 : 50;
    const ws = join(ctx.tmpDir, 'workspace');
    const store = openStore({ workspaceDir: ws });
    let checkpointId: number;
    const scenes = generateSyntheticScenes(ctx.quick ? 2 : 8, 2024);
    try {
      saveScenes(store, scenes);
      createRun(store, { id: 'bench', name: 'bench', mode: 'closed-loop', config: { frames: 32 }, seeds: { root: 1 }, codeVersion: 'bench', provider: 'mock' });
      createRound(store, { runId: 'bench', index: 0, status: 'completed', stage: 'evaluate' });
      const solver = await Solver.create({}, 1, { threads: 1, log: () => undefined });
      const bytes = solver.checkpoint();
      await solver.dispose();
      checkpointId = saveCheckpoint(store, { runId: 'bench', round: 0, config: {}, optimizerStep: 0, content: { bytes } }).id;
    } finally {
      store.close();
    }
    const questions = join(ctx.tmpDir, 'questions.jsonl');
    const records = writeQuestions(questions, scenes, megabytes * 1024 * 1024);
    const fileMb = statSync(questions).size / (1024 * 1024);
    ctx.log(`${fileMb.toFixed(1)} MB, ${records} questions over ${scenes.length} scenes; running eval-questions in a child process`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/evalQuestionsChild.ts'), ws, questions, String(checkpointId), join(ctx.tmpDir, 'predictions.jsonl')], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`eval-questions child failed with status ${r.status}`);
    const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; peakRssMb: number; answered: number };
    const what = `${fileMb.toFixed(0)} MB JSON Lines, ${m.answered} questions`;
    return [
      { name: `eval-questions, ${what}: wall`, value: m.seconds, unit: 's', note: 'issue 11 reported 305 s for its 50 MB file (other scenes and machine)' },
      { name: `eval-questions, ${what}: peak RSS`, value: m.peakRssMb, unit: 'MB', note: 'issue 11 reported 3.1 GB' },
      { name: `eval-questions, ${what}: rate`, value: m.answered / m.seconds, unit: 'questions/s' },
    ];
  },
};
