import { describe, expect, it } from 'vitest';
import { ensureBenchmark } from '../../../src/engine/loop/benchmark.js';
import { createSandboxRunner } from '../../../src/engine/proposer/sandboxRunner.js';
import { generateSyntheticScenes } from '../../../src/engine/sources/synthetic.js';
import { listBenchmarkSets, openStore, saveScenes } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';

const tmp = useTmpDirs();

describe('the held-out benchmark', () => {
  it('two processes building the same set at once both get it: the first commit wins, the other uses it', async () => {
    const dir = tmp();
    const scenes = generateSyntheticScenes(2, 5, { frames: 6, maxPoints: 2000 });
    const a = openStore({ workspaceDir: dir });
    const saved = saveScenes(a, scenes);
    const versions = new Map(saved.map((s) => [s.summary.id, s.version]));
    const b = openStore({ workspaceDir: dir });
    const runner = await createSandboxRunner();
    try {
      // Both check for the set before either has inserted it (each awaits the proposer in between), as two runs
      // started together in one workspace do.
      const [x, y] = await Promise.all([ensureBenchmark(a, scenes, versions, 3, 1, runner), ensureBenchmark(b, scenes, versions, 3, 1, runner)]);
      expect(x.setId).toBe(y.setId);
      expect([x.created, y.created].sort()).toEqual([false, true]);
      expect(y.questions).toEqual(x.questions);
      expect(listBenchmarkSets(a)).toHaveLength(1);
    } finally {
      runner.dispose();
      a.close();
      b.close();
    }
  });
});
