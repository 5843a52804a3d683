import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/shared.js';

describe('npm run doctor', () => {
  it('prints the providers, the GPU line and the CPU on one screen and exits 0, with no onnxruntime log noise', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/engine/cli/doctor.ts')], { encoding: 'utf8', cwd: repoRoot, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/execution providers:\n {2}cpu {7}loads/);
    expect(r.stdout).toMatch(/\n {2}cuda {6}(loads|does NOT load)/);
    expect(r.stdout).toMatch(/\nGPU:\n {2}\S/);
    expect(r.stdout).toMatch(/\nCPU: .+ × \d+; load average/);
    expect(r.stdout.split('\n').length).toBeLessThan(30);
    expect(r.stderr).not.toMatch(/ONNXRuntimeError/);
  }, 90_000);
});
