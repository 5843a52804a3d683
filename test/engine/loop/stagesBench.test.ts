import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stagesBench } from '../../../bench/stages.js';
import { modules } from '../../../bench/modules.js';

describe('bench mode: the main job\'s stage times', () => {
  it('runs a loop (tiny in quick mode) and reports every stage from its events; the parts add up to the wall time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stages-bench-'));
    try {
      const rows = await stagesBench.run({ tmpDir: dir, quick: true, log: () => undefined });
      const stages = rows.filter((r) => r.name.startsWith('stage '));
      expect(stages.map((r) => r.name.split(/[ ,]/)[1])).toEqual(['preparation', 'propose', 'filter', 'solve', 'control', 'train', 'evaluate']);
      for (const r of stages) expect(r.value, r.name).toBeGreaterThan(0);
      const wall = rows.find((r) => r.name === 'main job, wall time')!.value;
      const outside = rows.find((r) => r.name.startsWith('outside the stages'))!.value;
      expect(outside).toBeGreaterThanOrEqual(0);
      expect(stages.reduce((a, r) => a + r.value, 0) + outside).toBeCloseTo(wall, 6);
      // The calling thread's time: inside onnxruntime (the tiny loop trains on it), idle, and its own work add up to the wall time.
      const thread = (name: string): number => rows.find((r) => r.name === `calling thread: ${name}`)!.value;
      const [onnx, idle, own] = [thread('inside onnxruntime session runs'), thread('idle, waiting'), thread('its own JavaScript and GC')];
      expect(onnx).toBeGreaterThan(0);
      expect(idle).toBeGreaterThan(0);
      expect(own).toBeGreaterThan(0);
      expect(onnx + idle + own).toBeCloseTo(wall, 1);
      const encoding = rows.find((r) => r.name.startsWith('solver encoding'))!;
      expect(encoding).toMatchObject({ unit: 'µs/sample', note: expect.stringMatching(/^[1-9]\d* questions over [1-9]\d* scenes/) });
      expect(encoding.value).toBeGreaterThan(0);
      const again = rows.find((r) => r.name === 'solver encoding, the same questions again')!;
      expect(again).toMatchObject({ unit: 'µs/sample' });
      expect(again.value).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a plain `npm run bench` runs it, last (the issue asks the bench to print the main job\'s stage times)', () => {
    expect(modules.at(-1)).toBe(stagesBench);
  });
});
