/**
 * For the soak test (test/server/soak.test.ts): the loop CLI as a child process that can be SIGKILLed at a chosen
 * point, and an audit of a workspace after the crashes (SQLite integrity, foreign keys, every referenced blob).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { blobReferences, openStore } from '../../src/engine/store/index.js';
import { repoRoot } from './shared.js';

export const LOOP_CLI = join(repoRoot, 'src/engine/cli/loop.ts');

/** Where to kill: once the child has printed `afterStages` finished-stage lines, wait `delayMs`, then SIGKILL. */
export interface KillPoint {
  afterStages: number;
  delayMs: number;
}

export interface LoopChildResult {
  runId: string | undefined;
  /** Whether this helper killed the child (SIGKILL), and how many stage lines it had printed by then. */
  killed: boolean;
  stagesAtKill: number | undefined;
  stages: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
}

/** One line per finished stage on stderr when not a TTY (cli/progressView.ts): `round 0 solve   1.1 s  …`, `setup evaluate …`. */
const STAGE_LINE = /^(?:setup|round \d+) +\S+ +\d+\.\d s\b/gm;

/**
 * Runs `node --import tsx src/engine/cli/loop.ts …args` (not the tsx CLI, whose grandchild SIGKILL would not reach)
 * and resolves when it exits. The run id is read from its `started run <id>` / `resuming run <id>` line; the kill
 * waits for it, so a killed child always left a run behind.
 */
export function runLoopChild(args: readonly string[], options: { killAt?: KillPoint; timeoutMs: number }): Promise<LoopChildResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', LOOP_CLI, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let runId: string | undefined;
    let stages = 0;
    let stagesAtKill: number | undefined;
    let killed = false;
    let armed = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const consider = (): void => {
      const kill = options.killAt;
      if (!kill || armed || runId === undefined || stages < kill.afterStages) return;
      armed = true;
      setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return; // it finished first
        stagesAtKill = stages;
        killed = child.kill('SIGKILL');
      }, kill.delayMs);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      runId ??= /^(?:started|resuming) run (\S+)$/m.exec(stdout)?.[1];
      consider();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      stages = (stderr.match(STAGE_LINE) ?? []).length;
      consider();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ runId, killed, stagesAtKill, stages, code, signal, timedOut, ms: performance.now() - t0, stdout, stderr });
    });
  });
}

export interface StoreAudit {
  integrity: string;
  foreignKeyProblems: unknown[];
  /** Distinct blob hashes that some row refers to, each checked. */
  blobsChecked: number;
  blobProblems: string[];
}

/**
 * Opens the workspace read-only and checks it as a crash would break it: `PRAGMA integrity_check`,
 * `PRAGMA foreign_key_check`, and for every blob a row refers to (every column with a foreign key into `blobs`,
 * read from the schema as the sweep does): its `blobs` row, its file, the file's size and its SHA-256.
 */
export function auditStore(workspaceDir: string): StoreAudit {
  const store = openStore({ workspaceDir, readonly: true });
  try {
    const integrity = String(store.db.pragma('integrity_check', { simple: true }));
    const foreignKeyProblems = store.db.pragma('foreign_key_check') as unknown[];
    const blobProblems: string[] = [];
    const hashes = new Map<string, string>();
    for (const { table, column } of blobReferences(store)) {
      for (const h of store.db.prepare(`SELECT DISTINCT "${column}" FROM "${table}" WHERE "${column}" IS NOT NULL`).pluck().all() as string[]) {
        hashes.set(h, `${table}.${column}`);
      }
    }
    for (const [hash, where] of hashes) {
      const row = store.db.prepare('SELECT size FROM blobs WHERE hash = ?').get(hash) as { size: number } | undefined;
      if (!row) blobProblems.push(`${where} → ${hash}: no blobs row`);
      const path = store.blobs.pathOf(hash);
      if (!existsSync(path)) {
        blobProblems.push(`${where} → ${hash}: file missing (${path})`);
        continue;
      }
      const size = statSync(path).size;
      if (row && size !== row.size) blobProblems.push(`${where} → ${hash}: file has ${size} bytes, the blobs row says ${row.size}`);
      const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (actual !== hash) blobProblems.push(`${where} → ${hash}: file content hashes to ${actual}`);
    }
    return { integrity, foreignKeyProblems, blobsChecked: hashes.size, blobProblems };
  } finally {
    store.close();
  }
}
