import { afterEach, describe, expect, it } from 'vitest';
import { RunWatcher } from '../../../src/engine/host/watcher.js';
import { createRun, openStore, updateRunStatus, type Store } from '../../../src/engine/store/index.js';
import type { LoopEvent } from '../../../src/shared/loop.js';
import { useTmpDirs } from '../../helpers/tmp.js';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function open(dir: string): Store {
  const s = openStore({ workspaceDir: dir });
  stores.push(s);
  return s;
}

describe('RunWatcher: a quiet look after a local run settles', () => {
  const tmp = useTmpDirs();

  it("takes in the local run's writes without events and still reports what another process did meanwhile", () => {
    const dir = tmp();
    const other = open(dir); // the CLI process's connection
    const mine = open(dir); // the host's connection, which the watcher reads
    const local = createRun(other, { name: 'local', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' });
    const cli = createRun(other, { name: 'cli', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' });
    updateRunStatus(other, local.id, 'running');
    updateRunStatus(other, cli.id, 'running');
    const executing = new Set([local.id]);
    const events: LoopEvent[] = [];
    const watcher = new RunWatcher({ store: () => mine, isLocal: (id) => executing.has(id), emit: (e) => events.push(e), intervalMs: 60_000 });
    watcher.tick(); // the first look: what came before is not news
    expect(events).toEqual([]);

    // Between two looks: the other process's run completes, then this host's run completes and settles.
    updateRunStatus(other, cli.id, 'completed');
    updateRunStatus(other, local.id, 'completed');
    executing.delete(local.id);
    watcher.tick({ quietFor: local.id });

    // The local run's ending came from its own loop, not from here; the other run's ending is news.
    expect(events.filter((e) => e.type === 'run')).toEqual([{ type: 'run', runId: cli.id, status: 'completed' }]);
    watcher.tick();
    expect(events.filter((e) => e.type === 'run')).toHaveLength(1);
  });
});
