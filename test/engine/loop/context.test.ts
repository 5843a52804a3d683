import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT } from '../../../src/shared/loop.js';
import { openContext } from '../../../src/engine/loop/context.js';
import { startLoop, storedLoopConfig } from '../../../src/engine/loop/index.js';
import { openStore } from '../../../src/engine/store/index.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP } from './loopFixture.js';

const tmp = useTmpDirs();

describe('a run context', () => {
  it('reads its scenes without point clouds for the built-in solver, and with them where an endpoint model renders frames from them', async () => {
    const store = openStore({ workspaceDir: tmp() });
    try {
      const run = await (await startLoop(store, { ...SMALL_LOOP, rounds: 1, steps: 1 })).done;
      const config = storedLoopConfig(run.config);
      const endpoint = { ...DEFAULT_ENDPOINT, baseUrl: 'http://127.0.0.1:9/v1', model: 'm' };
      for (const [asked, points] of [
        [null, false],
        [endpoint, true],
      ] as const) {
        const ctx = await openContext(store, run, { ...config, endpoint: asked }, {});
        try {
          expect(ctx.scenes.size).toBe(6);
          for (const scene of ctx.scenes.values()) {
            expect(scene.points !== undefined).toBe(points);
            expect(scene.objects.length).toBeGreaterThan(0);
            expect(scene.trajectory?.length).toBeGreaterThan(0);
          }
        } finally {
          await ctx.dispose();
        }
      }
    } finally {
      store.close();
    }
  });
});
