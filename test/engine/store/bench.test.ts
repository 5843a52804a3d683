import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeBench } from '../../../bench/store.js';

describe('store bench', () => {
  it('runs in quick mode and reports finite figures', async () => {
    const tmpDir = mkdtempSync(join(tmpdir(), 'ouroboros-bench-'));
    try {
      const rows = await storeBench.run({ tmpDir, quick: true, log: () => undefined });
      expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const r of rows) expect(Number.isFinite(r.value) && r.value > 0).toBe(true);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });
});
