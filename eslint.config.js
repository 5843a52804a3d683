// Layering (see README › Architecture): imports point downwards only, enforced here rather than by memory.
//   shared  ← engine ← main / server        shared ← preload        shared ← renderer
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (name) => [`**/${name}`, `**/${name}/**`];

const restrict = (files, { node = false, groups = [], message }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: node ? nodeBuiltins.map((name) => ({ name, message: `${message} (Node built-in "${name}")` })) : [],
        patterns: groups.map((group) => ({ group: layer(group), message })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', '.workspace/**', 'test-results/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  restrict(['src/shared/**'], {
    node: true,
    groups: ['engine', 'main', 'preload', 'renderer', 'server', 'electron'],
    message: 'src/shared holds contracts for every process: no Node, no DOM, no imports from other layers',
  }),
  restrict(['src/engine/**'], {
    groups: ['main', 'preload', 'renderer', 'server', 'electron'],
    message: 'src/engine runs in plain Node: it must not import Electron, the renderer or the hosts',
  }),
  restrict(['src/renderer/**'], {
    node: true,
    groups: ['engine', 'main', 'preload', 'server', 'electron'],
    message: 'src/renderer runs sandboxed in a browser: only src/shared and browser packages',
  }),
  restrict(['src/preload/**'], {
    node: true,
    groups: ['engine', 'main', 'renderer', 'server'],
    message: 'src/preload is the narrow bridge: electron and src/shared only',
  }),
  restrict(['src/server/**'], {
    groups: ['main', 'preload', 'renderer', 'electron'],
    message: 'src/server (browser mode) hosts the engine without Electron',
  }),
  restrict(['src/main/**'], {
    groups: ['renderer', 'preload', 'server'],
    message: 'src/main hosts the engine and the window; it must not import renderer code',
  }),
);
