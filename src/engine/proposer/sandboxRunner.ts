/** The pipeline's ProgramRunner on the QuickJS sandbox: one locked-down context per scene, programs in a batch. */
import type { ProgramSceneData } from './program/types.js';
import { sceneApiPrelude } from './program/sceneApi.js';
import type { ProgramCall, ProgramOutcome, ProgramRunner } from './runner.js';
import { createSandbox } from './sandbox/index.js';
import type { SandboxOptions } from './sandbox/index.js';

/** The sandbox prelude: the scene API's own source, instantiated on the scene data. */
const PRELUDE = `${sceneApiPrelude()}\nreturn createSceneApi(data);`;

export async function createSandboxRunner(options: SandboxOptions = {}): Promise<ProgramRunner> {
  const sandbox = await createSandbox(options);
  return {
    async runScene(data: ProgramSceneData, programs: readonly ProgramCall[]): Promise<ProgramOutcome[]> {
      if (programs.length === 0) return [];
      const ctx = sandbox.openContext(PRELUDE, data);
      try {
        return ctx.runBatch(programs as Parameters<typeof ctx.runBatch>[0]).map((o) => (o.ok ? { ok: true, value: o.value } : { ok: false, kind: o.kind, message: o.message }));
      } finally {
        ctx.dispose();
      }
    },
    dispose: () => sandbox.dispose(),
  };
}
