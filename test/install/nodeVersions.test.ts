/**
 * What README › Node versions states is what package.json `engines` says, what the locked dependencies declare,
 * and what runs these tests. semver is not a dependency of ours: it is npm's own range logic, and node_modules
 * holds it for several of our dependencies (electron's downloader, better-sqlite3's prebuild-install, …).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/shared.js';

interface Semver {
  validRange(range: string): string | null;
  satisfies(version: string, range: string): boolean;
  subset(sub: string, dom: string): boolean;
  intersects(a: string, b: string): boolean;
}
const semver = createRequire(import.meta.url)('semver') as Semver;

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[] }>;
};
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** Only used to fetch and unpack Electron's binary, which the desktop app needs and nothing else does. */
const ELECTRON_DOWNLOAD = ['electron', '@electron/get', '@electron-internal/extract-zip'];

/** Locked packages declaring a Node range, by package name (the last node_modules/ segment of the path). */
function declaredNodeRanges(): { name: string; range: string }[] {
  const out: { name: string; range: string }[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const node = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
    if (path === '' || node === undefined) continue;
    out.push({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), range: node });
  }
  return out;
}

function readmeRange(pattern: RegExp, what: string): string {
  const m = pattern.exec(readme);
  if (!m) throw new Error(`README › Node versions no longer states ${what}`);
  return m[1]!;
}

const testsRange = readmeRange(/\*\*Engine, CLI, browser mode, `npm run build` and `npm test`\*\*: Node `([^`]+)`,\s+the range in package\.json `engines`/, 'the range for the engine, CLI and tests');
const desktopRange = readmeRange(/\*\*The desktop app's Electron binary\*\*: downloading it [^)]*\)\s+needs Node `([^`]+)`/, "the range Electron's binary download needs");

describe('Node versions', () => {
  it('README states the range package.json `engines` declares, and it is a valid npm range', () => {
    expect(testsRange).toBe(pkg.engines.node);
    expect(semver.validRange(testsRange)).not.toBeNull();
  });

  it('the Node running the tests is in that range', () => {
    expect(semver.satisfies(process.versions.node, testsRange), `node ${process.versions.node} is outside ${testsRange}`).toBe(true);
  });

  it('every locked dependency supports the whole range, except the download of Electron’s binary', () => {
    const ranges = declaredNodeRanges();
    expect(ranges.length).toBeGreaterThan(20);
    const narrower = ranges.filter((r) => !ELECTRON_DOWNLOAD.includes(r.name) && !semver.subset(testsRange, r.range));
    expect(narrower, 'dependencies whose engines do not cover package.json engines.node').toEqual([]);
  });

  it('the desktop range README states is what Electron and its downloader declare, and it is why the two ranges differ', () => {
    const electron = declaredNodeRanges().filter((r) => ELECTRON_DOWNLOAD.includes(r.name));
    expect(electron.map((r) => r.name).sort()).toEqual([...ELECTRON_DOWNLOAD].sort());
    for (const r of electron) {
      expect(semver.subset(desktopRange, r.range) && semver.subset(r.range, desktopRange), `${r.name} declares ${r.range}`).toBe(true);
    }
    // Node 20 runs everything else but not this download: README must keep saying so rather than widen one range.
    expect(semver.subset(testsRange, desktopRange)).toBe(false);
    expect(semver.intersects(testsRange, desktopRange)).toBe(true);
  });
});
