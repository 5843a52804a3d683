/**
 * The workbench's own OpenAI-compatible endpoint over a fresh workspace holding one trained checkpoint (a one-round
 * SMALL_LOOP run): what the endpoint solver's and the endpoint loop's tests ask. One folder for the whole file,
 * since useTmpDirs removes its folders after each test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatCompletionsService } from '../../src/engine/host/chatCompletions.js';
import { createWorkbenchHost } from '../../src/engine/host/index.js';
import { startLoop } from '../../src/engine/loop/index.js';
import { listCheckpoints, openStore, type Store } from '../../src/engine/store/index.js';
import { startWorkbenchServer, type WorkbenchServer } from '../../src/server/server.js';
import type { RunRecord } from '../../src/shared/records.js';
import { SMALL_LOOP } from '../engine/loop/loopFixture.js';

export interface OwnEndpoint {
  dir: string;
  store: Store;
  server: WorkbenchServer;
  /** The run that trained the served checkpoint. */
  run: RunRecord;
  checkpointId: number;
  close(): Promise<void>;
}

export async function startOwnEndpoint(prefix: string): Promise<OwnEndpoint> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const ws = join(dir, 'ws');
  const store = openStore({ workspaceDir: ws });
  const run = await (await startLoop(store, { ...SMALL_LOOP, rounds: 1, name: 'the model' })).done;
  const checkpointId = listCheckpoints(store, run.id).at(-1)!.id;
  const host = createWorkbenchHost({ workspaceDir: ws, transport: 'http', readonly: true, watchIntervalMs: 0 });
  const chat = new ChatCompletionsService(() => store);
  mkdirSync(join(dir, 'renderer'));
  const server = await startWorkbenchServer({ host, port: 0, rendererDir: join(dir, 'renderer'), chat });
  return {
    dir,
    store,
    server,
    run,
    checkpointId,
    async close() {
      await server.close();
      await chat.close();
      await host.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
