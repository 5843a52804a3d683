/**
 * The layering rules of eslint.config.js, each shown to fire on a deliberate violation placed in the restricted
 * folder and to stay quiet on an allowed import. A rule whose glob or selector is mistyped matches nothing and
 * passes every lint run, so only a test like this notices it is gone. The snippets are linted as text under
 * paths that do not exist; nothing is written.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** Messages of the layering rules for `code` linted as if it were the file at `path` (relative to the repo). */
async function layerMessages(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, path) });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal.map((m) => m.message), `${path} must parse`).toEqual([]);
  return result!.messages.filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId)).map((m) => m.message);
}

interface Case {
  name: string;
  path: string;
  code: string;
  /** A fragment of the expected message, or null: the code is allowed. */
  error: string | null;
}

const check = (cases: Case[]): void => {
  it.each(cases)('$name', async ({ path, code, error }) => {
    const messages = await layerMessages(path, code);
    if (error === null) expect(messages).toEqual([]);
    else expect(messages.some((m) => m.includes(error)), `expected "${error}" in ${JSON.stringify(messages)}`).toBe(true);
  });
};

describe('perception sits below the proposer', () => {
  check([
    {
      name: 'perception importing proposer types is an error',
      path: 'src/engine/perception/probe.ts',
      code: "import type { ProgramSceneData } from '../proposer/program/types.js';\nexport type T = ProgramSceneData;\n",
      error: 'src/engine/perception measures what a camera sees',
    },
    {
      name: 'the proposer importing perception is allowed',
      path: 'src/engine/proposer/program/probe.ts',
      code: "import { computeVisibility } from '../../perception/visibility.js';\nexport const f = computeVisibility;\n",
      error: null,
    },
  ]);
});

describe('report does not depend on perception', () => {
  check([
    {
      name: 'report importing the perception PNG encoder is an error',
      path: 'src/engine/report/probe.ts',
      code: "import { encodePng } from '../perception/png.js';\nexport const f = encodePng;\n",
      error: 'src/engine/report draws tables and plots',
    },
    {
      name: 'report importing its own modules and src/shared is allowed',
      path: 'src/engine/report/probe.ts',
      code: "import { chartToSvg } from './svg.js';\nimport type { Scene } from '../../shared/scene.js';\nexport const f = chartToSvg;\nexport type S = Scene;\n",
      error: null,
    },
  ]);
});

describe('the solver does not depend on the scene generator', () => {
  check([
    {
      name: 'solver importing scene/synthesis is an error',
      path: 'src/engine/solver/probe.ts',
      code: "import { Placer } from '../scene/synthesis/placement.js';\nexport const f = Placer;\n",
      error: 'src/engine/solver must not depend on the scene generator',
    },
    {
      name: 'solver importing the shared vocabulary in scene/ is allowed',
      path: 'src/engine/solver/probe.ts',
      code: "import { CATEGORIES } from '../scene/categories.js';\nexport const f = CATEGORIES;\n",
      error: null,
    },
  ]);
});

describe('SQL lives only in src/engine/store', () => {
  const sql = 'SQL lives in src/engine/store';
  const outside = 'src/engine/host/probe.ts';
  const store = "import type { Store } from '../store/store.js';\ndeclare const store: Store;\n";
  check([
    { name: 'importing better-sqlite3 outside the store is an error', path: outside, code: "import Database from 'better-sqlite3';\nexport const D = Database;\n", error: sql },
    { name: 'prepare outside the store is an error', path: outside, code: `${store}export const n = store.prepare('SELECT 1').get();\n`, error: sql },
    { name: 'pragma outside the store is an error', path: 'src/engine/loop/probe.ts', code: "declare const db: { pragma(s: string): unknown };\nexport const v = db.pragma('data_version');\n", error: sql },
    { name: 'transaction outside the store is an error', path: 'src/engine/loop/probe.ts', code: "declare const db: { transaction(f: () => void): () => void };\ndb.transaction(() => {})();\n", error: sql },
    { name: 'exec of an SQL string outside the store is an error', path: outside, code: "declare const db: { exec(s: string): void };\ndb.exec('DELETE FROM runs');\n", error: sql },
    { name: 'exec of an SQL template outside the store is an error', path: outside, code: "declare const db: { exec(s: string): void };\ndb.exec(`DELETE FROM qa`);\n", error: sql },
    { name: 'reaching the raw connection outside the store is an error', path: outside, code: `${store}export const c = store.db;\n`, error: 'the raw connection' },
    {
      name: 'RegExp#exec outside the store is allowed',
      path: outside,
      code: "const PATTERN = /^(\\d+)$/;\nexport const f = (s: string) => PATTERN.exec(s) ?? /x/.exec(s.trim());\n",
      error: null,
    },
    {
      name: 'the store itself may use better-sqlite3, prepare, pragma, exec and transactions',
      path: 'src/engine/store/probe.ts',
      code:
        "import Database from 'better-sqlite3';\nimport type { Store } from './store.js';\n" +
        "export function f(store: Store): void {\n  const db = new Database(':memory:');\n  db.pragma('foreign_keys = ON');\n  db.exec('CREATE TABLE t (x)');\n" +
        "  store.db.transaction(() => store.prepare('SELECT 1').get())();\n}\n",
      error: null,
    },
  ]);
});

describe('renderer stores sit below the views', () => {
  check([
    {
      name: 'a store importing a view helper is an error',
      path: 'src/renderer/src/state/probe.ts',
      code: "import { stackLayout } from '../views/curves/mix.js';\nexport const f = stackLayout;\n",
      error: 'src/renderer/src/state holds the stores',
    },
    {
      name: 'a store importing lib/ is allowed',
      path: 'src/renderer/src/state/probe.ts',
      code: "import { mixOverRounds } from '../lib/generationMix.js';\nexport const f = mixOverRounds;\n",
      error: null,
    },
    {
      name: 'lib/ importing a view is an error',
      path: 'src/renderer/src/lib/probe.ts',
      code: "import { heatmapLayout } from '../views/heatmaps/heatmapLayout.js';\nexport const f = heatmapLayout;\n",
      error: 'src/renderer/src/lib holds pure helpers',
    },
    {
      name: 'lib/ importing a store is an error',
      path: 'src/renderer/src/lib/probe.ts',
      code: "import { createRunsStore } from '../state/runsStore.js';\nexport const f = createRunsStore;\n",
      error: 'src/renderer/src/lib holds pure helpers',
    },
    {
      name: 'a view importing a store and lib/ is allowed',
      path: 'src/renderer/src/views/runs/probe.ts',
      code: "import { EMPTY_LIVE } from '../../state/runsStore.js';\nimport { runFraction } from '../../lib/runProgress.js';\nexport const f = [EMPTY_LIVE, runFraction];\n",
      error: null,
    },
  ]);
});

// A folder's own entry replaces its parent's rule options, so each must repeat the parent's bans.
describe('folders with rules of their own keep their parent layer’s rules', () => {
  check([
    { name: 'perception importing electron', path: 'src/engine/perception/probe.ts', code: "import { app } from 'electron';\nexport const a = app;\n", error: 'src/engine runs in plain Node' },
    { name: 'report importing better-sqlite3', path: 'src/engine/report/probe.ts', code: "import Database from 'better-sqlite3';\nexport const D = Database;\n", error: 'SQL lives in src/engine/store' },
    { name: 'solver importing the renderer', path: 'src/engine/solver/probe.ts', code: "import { App } from '../../renderer/src/App.js';\nexport const a = App;\n", error: 'src/engine runs in plain Node' },
    { name: 'store importing the server', path: 'src/engine/store/probe.ts', code: "import * as s from '../../server/server.js';\nexport const a = s;\n", error: 'src/engine runs in plain Node' },
    { name: 'a store importing node:fs', path: 'src/renderer/src/state/probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", error: 'src/renderer runs sandboxed in a browser' },
    { name: 'lib/ importing the engine', path: 'src/renderer/src/lib/probe.ts', code: "import { openStore } from '../../../engine/store/index.js';\nexport const o = openStore;\n", error: 'src/renderer runs sandboxed in a browser' },
  ]);
});
