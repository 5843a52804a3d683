import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { WINDOW_ICON_FILE, WINDOW_ICON_SOURCE } from './src/main/appIcon.js';

const SANDBOX_DIR = resolve('src/engine/proposer/sandbox');
/** The engine thread's modules: the worker, what it imports from the folder, and the driver it runs in QuickJS. */
const SANDBOX_FILES = readdirSync(SANDBOX_DIR).filter((f) => f.endsWith('.mjs'));

/**
 * The QuickJS sandbox starts its engine thread from `new URL('./engineWorker.mjs', import.meta.url)`, a plain
 * file that imports the folder's other .mjs files (see src/engine/proposer/sandbox/CONTEXT.md › Packaging).
 * The bundle keeps that URL, so all of them are emitted beside whichever chunk ended up holding it.
 */
function workerFiles(name: string, marker: string, folder: string, files: readonly string[]): Plugin {
  return {
    name,
    generateBundle(_options, bundle) {
      const dirs = new Set<string>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.code.includes(marker)) dirs.add(dirname(chunk.fileName));
      }
      for (const dir of dirs) {
        for (const file of files) {
          this.emitFile({ type: 'asset', fileName: posix.join(dir === '.' ? '' : dir, file), source: readFileSync(resolve(folder, file)) });
        }
      }
    },
  };
}

const sandboxWorkerFiles = (): Plugin => workerFiles('ouroboros-sandbox-worker-files', './engineWorker.mjs', SANDBOX_DIR, SANDBOX_FILES);
/** The solver's inference lanes start `new URL('./predictorWorker.mjs', import.meta.url)` the same way (one file). */
const predictorWorkerFile = (): Plugin =>
  workerFiles('ouroboros-predictor-worker-file', './predictorWorker.mjs', resolve('src/engine/solver/onnx'), ['predictorWorker.mjs']);

/**
 * The window icon (src/main/appIcon.ts) goes beside the main entry, so out/ carries it wherever it is built
 * or packaged; the renderer's favicon is index.html's link, which Vite emits into out/renderer/assets itself.
 */
function windowIcon(): Plugin {
  return {
    name: 'ouroboros-window-icon',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: WINDOW_ICON_FILE, source: readFileSync(resolve(WINDOW_ICON_SOURCE)) });
    },
  };
}

export default defineConfig({
  main: {
    plugins: [sandboxWorkerFiles(), predictorWorkerFile(), windowIcon()],
    build: {
      // index: the window and IPC; hostProcess: the engine host, run as an Electron utility process;
      // proposalWorker: the loop's thread that proposes rounds ahead (src/engine/loop/ahead.ts finds it beside the bundle).
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), hostProcess: resolve('src/main/hostProcess.ts'), proposalWorker: resolve('src/engine/loop/proposalWorker.ts') },
      },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads cannot load ES modules: emit CommonJS.
      rollupOptions: { input: { index: resolve('src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
