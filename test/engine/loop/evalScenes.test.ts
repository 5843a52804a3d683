/** The leakage guard at run start: a run that trains on VSI-Bench evaluation scenes says so, naming them. */
import { describe, expect, it } from 'vitest';
import { startLoop } from '../../../src/engine/loop/index.js';
import { openStore } from '../../../src/engine/store/index.js';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { useTmpDirs } from '../../helpers/tmp.js';
import { SMALL_LOOP } from './loopFixture.js';

describe('a run on VSI-Bench evaluation scenes', () => {
  const tmp = useTmpDirs();

  async function start(scenes: string[], heldoutScenes: string[]): Promise<{ evalScenes: string[]; warnings: string[] }> {
    const store = openStore({ workspaceDir: tmp() });
    try {
      const events: LoopEvent[] = [];
      // Stopped before its first stage: the warning comes at start, before any work.
      const stop = new AbortController();
      stop.abort();
      const handle = await startLoop(store, { ...SMALL_LOOP, scenes, heldoutScenes }, { onEvent: (e) => events.push(e), signal: stop.signal });
      await handle.done;
      const warnings = events.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e.message] : []));
      return { evalScenes: handle.evalScenes, warnings };
    } finally {
      store.close();
    }
  }

  it('warns naming the training scenes that are evaluation scenes; held-out ones are not named', async () => {
    const { evalScenes, warnings } = await start(['vsibench:builtin-scannet?part=train'], ['vsibench:builtin-arkitscenes?part=heldout']);
    expect(evalScenes.length).toBeGreaterThan(10);
    expect(evalScenes.every((id) => /^vsibench:scene\d{4}_\d{2}$/.test(id))).toBe(true);
    const warning = warnings.find((w) => w.startsWith('this run trains on'));
    expect(warning).toBe(
      `this run trains on ${evalScenes.length} VSI-Bench evaluation scenes (${evalScenes.slice(0, 20).join(', ')} and ${evalScenes.length - 20} more): a model trained on its data and then scored on VSI-Bench has seen the test rooms`,
    );
  }, 120_000);

  it('says nothing for a run on synthetic rooms held out against VSI-Bench scenes', async () => {
    const { evalScenes, warnings } = await start(['synthetic:3'], ['vsibench:builtin-arkitscenes?part=heldout']);
    expect(evalScenes).toEqual([]);
    expect(warnings.filter((w) => w.includes('evaluation scene'))).toEqual([]);
  }, 120_000);
});
