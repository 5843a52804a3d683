import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countScenes } from '../../../src/engine/store/scenes.js';
import { openStore } from '../../../src/engine/store/store.js';
import { arkitMetaFile, repoRoot } from '../../helpers/shared.js';
import { useTmpDirs } from '../../helpers/tmp.js';

const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const cli = join(repoRoot, 'src/engine/cli/scenes.ts');

function scenes(args: string[], workspace: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tsx, [cli, ...args, '--workspace', workspace], { encoding: 'utf8', cwd: repoRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scenes CLI', () => {
  const tmp = useTmpDirs();

  it('imports synthetic scenes and lists them', () => {
    const ws = tmp();
    const imported = scenes(['import', 'synthetic:3', '--seed', '5'], ws);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/imported 3 scenes/);
    const listed = scenes(['list'], ws);
    expect(listed.stdout).toMatch(/3 scenes in/);
  });

  it('a bad source among good ones writes nothing and names the file and field', () => {
    const ws = tmp();
    const raw = JSON.parse(readFileSync(arkitMetaFile, 'utf8')) as Record<string, { room_size: unknown }>;
    const first = Object.keys(raw)[0]!;
    const bad = join(tmp(), 'broken_meta.json');
    writeFileSync(bad, JSON.stringify({ [first]: { ...raw[first], room_size: 'big' } }));
    const r = scenes(['import', 'synthetic:2', `vsibench:${bad}`], ws);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: ${bad}: ${first}.room_size: expected a positive finite number, found the string "big"`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const store = openStore({ workspaceDir: ws });
    try {
      expect(countScenes(store)).toBe(0);
    } finally {
      store.close();
    }
  });

  it('an unknown source kind and a missing count are explained', () => {
    const ws = tmp();
    expect(scenes(['import', 'matterport:/x'], ws).stderr).toMatch(/unknown source "matterport:\/x": expected one of synthetic:…/);
    expect(scenes(['import', 'synthetic:'], ws).stderr).toMatch(/needs a count, e\.g\. synthetic:8/);
  });
});
