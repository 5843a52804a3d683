// Layering (see README › Architecture): imports point downwards only, enforced here rather than by memory.
//   shared  ← engine ← main / server        shared ← preload        shared ← renderer
// Inside the engine and the renderer, folders have layers of their own (below); test/lint/layers.test.ts proves
// every rule fires on a violation, so a typo in a glob cannot switch one off silently.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (name) => [`**/${name}`, `**/${name}/**`];

/**
 * One `no-restricted-imports` entry per folder, holding every ban that applies there. Flat config replaces a
 * rule's options for the files a later entry matches rather than merging them, so a sub-folder's entry repeats
 * its parent's bans (pass them all). A ban: `groups` (folders, matched anywhere in an import path), `paths`
 * (package names), `node` (Node built-ins), and the `message` that says why.
 */
const restrict = (files, bans) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: bans.flatMap(({ node = false, paths = [], message }) => [
          ...(node ? nodeBuiltins.map((name) => ({ name, message: `${message} (Node built-in "${name}")` })) : []),
          ...paths.map((name) => ({ name, message })),
        ]),
        patterns: bans.flatMap(({ groups = [], message }) => groups.map((group) => ({ group: layer(group), message }))),
      },
    ],
  },
});

const engine = {
  groups: ['main', 'preload', 'renderer', 'server', 'electron'],
  message: 'src/engine runs in plain Node: it must not import Electron, the renderer or the hosts',
};
const SQL_MESSAGE = 'SQL lives in src/engine/store: call (or add) a repository function there instead of reaching the database here';
const sqlite = { paths: ['better-sqlite3'], message: SQL_MESSAGE };
const renderer = {
  node: true,
  groups: ['engine', 'main', 'preload', 'server', 'electron'],
  message: 'src/renderer runs sandboxed in a browser: only src/shared and browser packages',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', '.workspace/**', 'test-results/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  restrict(['src/shared/**'], [
    {
      node: true,
      groups: ['engine', 'main', 'preload', 'renderer', 'server', 'electron'],
      message: 'src/shared holds contracts for every process: no Node, no DOM, no imports from other layers',
    },
  ]),

  // ── the engine and its folders ─────────────────────────────────────────────────────────────────────────────
  restrict(['src/engine/**'], [engine, sqlite]),
  restrict(['src/engine/store/**'], [engine]),
  restrict(['src/engine/perception/**'], [
    engine,
    sqlite,
    {
      groups: ['proposer'],
      message: 'src/engine/perception measures what a camera sees and sits below the proposer: what programs read of it is built in proposer/program',
    },
  ]),
  restrict(['src/engine/report/**'], [
    engine,
    sqlite,
    { groups: ['perception'], message: 'src/engine/report draws tables and plots from figures: it must not depend on perception' },
  ]),
  restrict(['src/engine/solver/**'], [
    engine,
    sqlite,
    {
      groups: ['scene/synthesis'],
      message: 'src/engine/solver must not depend on the scene generator: the label vocabulary both use is src/engine/scene/categories.ts',
    },
  ]),
  {
    // Calls by method name, since lint sees no types. `exec` is also RegExp#exec, so only an `exec` given SQL text
    // written in place counts; a connection reached through `.db` is caught by the member rule whatever it calls.
    files: ['src/engine/**'],
    ignores: ['src/engine/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(prepare|pragma|transaction)$/]", message: SQL_MESSAGE },
        { selector: "CallExpression[callee.property.name='exec'][arguments.0.type='TemplateLiteral']", message: SQL_MESSAGE },
        { selector: "CallExpression[callee.property.name='exec'][arguments.0.value=type(string)]", message: SQL_MESSAGE },
        { selector: "MemberExpression[property.name='db']", message: `${SQL_MESSAGE} (the raw connection, store.db)` },
      ],
    },
  },

  // ── the renderer and its folders ───────────────────────────────────────────────────────────────────────────
  restrict(['src/renderer/**'], [renderer]),
  restrict(['src/renderer/src/state/**'], [
    renderer,
    {
      groups: ['views', 'components'],
      message: 'src/renderer/src/state holds the stores, below the views: move the helper a store needs into src/renderer/src/lib',
    },
  ]),
  restrict(['src/renderer/src/lib/**'], [
    renderer,
    {
      groups: ['views', 'components', 'state'],
      message: 'src/renderer/src/lib holds pure helpers below the stores and the views: it imports only src/shared and other lib modules',
    },
  ]),

  restrict(['src/preload/**'], [
    { node: true, groups: ['engine', 'main', 'renderer', 'server'], message: 'src/preload is the narrow bridge: electron and src/shared only' },
  ]),
  restrict(['src/server/**'], [
    { groups: ['main', 'preload', 'renderer', 'electron'], message: 'src/server (browser mode) hosts the engine without Electron' },
  ]),
  restrict(['src/main/**'], [
    { groups: ['renderer', 'preload', 'server'], message: 'src/main hosts the engine and the window; it must not import renderer code' },
  ]),
);
