/**
 * `npm run scenes -- import <source>… | list | show <id> | gc` — scene import into the workspace's run store.
 * Import is all-or-nothing: every source is read and validated before one transaction writes them. `gc` removes
 * blob files no row refers to (store/sweep.ts); an import does the same for the point clouds of scenes it replaced.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../../shared/errors.js';
import type { SceneSummary } from '../../shared/scene.js';
import { summarizeScene } from '../../shared/scene.js';
import { buildEvalSceneList, isEvalScene } from '../sources/evalScenes.js';
import { loadScenes } from '../sources/index.js';
import { writeFileAtomic } from '../exchange/outputFiles.js';
import { listScenes, listSceneVersions, loadScene, type SavedScene, saveScenes, sceneChangeText } from '../store/scenes.js';
import { diskFullError, isDiskFull } from '../store/errors.js';
import { openStore } from '../store/store.js';
import { SWEEP_MIN_AGE_MS, sweepBlobs, type SweepReport } from '../store/sweep.js';
import { resolveWorkspaceDir, workspacePaths } from '../store/workspace.js';
import { flag, intFlag, parseCommandArgs, type FlagSpec } from './args.js';
import { runCli } from './main.js';
import { printableId, printableText } from './terminalText.js';

const USAGE = `usage:
  npm run scenes -- import <source>… [--seed N] [--frames N] [--workspace DIR]
      sources: synthetic:N  vsibench:<meta_info.json>  scannet:<scan dir>  scannetpp:<scene dir>  arkitscenes:<dir>  ply:<file.ply>
  npm run scenes -- list [--dataset NAME] [--workspace DIR]
  npm run scenes -- show <scene id> [--workspace DIR]
  npm run scenes -- gc [--dry-run] [--workspace DIR]
      removes blob files no scene or checkpoint refers to (replaced point clouds, crash leftovers)
  npm run scenes -- eval-scenes <meta_info.json>… --out FILE
      VSI-Bench's evaluation scene ids from its meta_info files (rebuilds resources/vsibench/eval_scenes.json)`;

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

function formatBytes(n: number): string {
  return n < 1 << 20 ? `${n} bytes` : `${(n / (1 << 20)).toFixed(1)} MiB, ${n} bytes`;
}

/** What a sweep removed (or would), as lines for the terminal. */
function describeSweep(r: SweepReport, dryRun: boolean): string[] {
  const verb = dryRun ? 'would remove' : 'removed';
  const parts = [plural(r.removedBlobs.length, 'unreferenced blob file'), ...(r.removedTempFiles.length ? [plural(r.removedTempFiles.length, 'leftover temp file')] : [])];
  const lines = [r.removedBlobs.length + r.removedTempFiles.length === 0 ? `${verb} nothing: every blob file is in use` : `${verb} ${parts.join(' and ')} (${formatBytes(r.freedBytes)})`];
  if (r.keptRecent > 0) {
    lines.push(`kept ${plural(r.keptRecent, 'unreferenced file')} younger than ${SWEEP_MIN_AGE_MS / 3_600_000} h: a write in progress may still commit it`);
  }
  return lines;
}

/**
 * Everything this command prints goes through here, since ids, labels and warnings come from files
 * (terminalText.ts); ids and labels are also shortened where they are printed, lines as a whole are not.
 */
function print(text: string): void {
  process.stdout.write(printableText(text, Number.POSITIVE_INFINITY));
}

function table(rows: SceneSummary[]): string {
  const head = ['id', 'dataset', 'objects', 'labels', 'points', 'frames', 'room m²', 'synthesised', 'VSI-Bench eval'];
  const body = rows.map((s) => [
    printableId(s.id),
    printableId(s.dataset),
    String(s.objectCount),
    String(s.labelCount),
    String(s.pointCount),
    String(s.frameCount),
    s.roomArea.toFixed(1),
    s.synthesised.join(',') ? printableId(s.synthesised.join(',')) : '—',
    isEvalScene(s) ? 'yes' : '—',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

const COMMANDS: Record<string, FlagSpec> = {
  import: { seed: 'string', frames: 'string', workspace: 'string', debug: 'boolean' },
  gc: { 'dry-run': 'boolean', workspace: 'string', debug: 'boolean' },
  list: { dataset: 'string', workspace: 'string', debug: 'boolean' },
  show: { workspace: 'string', debug: 'boolean' },
  'eval-scenes': { out: 'string', debug: 'boolean' },
};

runCli(() => {
  const args = parseCommandArgs(process.argv.slice(2), COMMANDS);
  const [command, ...rest] = args.positionals;
  if (command === 'eval-scenes') {
    const out = flag(args, 'out');
    if (rest.length === 0 || out === undefined) throw new InputError({ message: `eval-scenes needs meta_info files and --out FILE\n${USAGE}` });
    const list = buildEvalSceneList(rest);
    writeFileAtomic(out, `${JSON.stringify(list, null, 1)}\n`);
    print(`${Object.entries(list.datasets).map(([d, ids]) => `${d}: ${ids.length}`).join(', ')} evaluation scenes → ${out}\n`);
    return;
  }
  const workspaceFlag = flag(args, 'workspace');
  const workspaceDir = resolveWorkspaceDir(workspaceFlag !== undefined ? { flag: workspaceFlag } : {});
  if (command === 'import') {
    if (rest.length === 0) throw new InputError({ message: `import needs at least one source\n${USAGE}` });
    const seed = intFlag(args, 'seed', 0);
    const framesFlag = flag(args, 'frames');
    const t0 = performance.now();
    const scenes = rest.flatMap((spec) => loadScenes(spec, { seed, ...(framesFlag !== undefined ? { frames: intFlag(args, 'frames', 32, 1) } : {}) }));
    const t1 = performance.now();
    const store = openStore({ workspaceDir });
    let swept: SweepReport;
    let saved: SavedScene[];
    try {
      saved = saveScenes(store, scenes);
      // A re-import replaces scenes by id; their old point clouds are unreferenced now. Remove them (and anything
      // else nothing refers to) while we are here: safe beside other processes, see store/sweep.ts.
      swept = sweepBlobs(store);
    } catch (e) {
      // A full disk names the file that could not be written (the database, unless a point cloud) and the workspace.
      throw isDiskFull(e) ? diskFullError(e, { workspaceDir, target: store.dbPath }) : e;
    } finally {
      store.close();
    }
    const t2 = performance.now();
    print(`${table(scenes.map(summarizeScene))}\n\n`);
    const warned = scenes.filter((s) => s.provenance.warnings.length > 0);
    for (const s of warned.slice(0, 10)) print(`warning: ${printableId(s.id)}: ${s.provenance.warnings.join('; ')}\n`);
    if (warned.length > 10) print(`… and ${warned.length - 10} more scenes with warnings (see \`scenes show\`)\n`);
    const count = (c: SavedScene['change']): number => saved.filter((x) => x.change === c).length;
    const changed = saved.filter((x) => x.change === 'changed');
    for (const c of changed.slice(0, 20)) print(`${sceneChangeText(c)}\n`);
    if (changed.length > 20) print(`… and ${changed.length - 20} more changed scenes\n`);
    print(`${count('new')} new, ${count('changed')} changed (new version), ${count('unchanged')} unchanged\n`);
    print(
      `imported ${scenes.length} scenes (${scenes.reduce((n, s) => n + s.objects.length, 0)} objects) in ${((t1 - t0) / 1000).toFixed(2)} s, stored in ${((t2 - t1) / 1000).toFixed(2)} s\n`,
    );
    if (swept.removedBlobs.length > 0) print(`${describeSweep(swept, false)[0]!}: point clouds of replaced scenes, or other leftovers\n`);
    print(`workspace: ${workspaceDir}\n`);
    return;
  }
  if (command === 'gc') {
    if (rest.length > 0) throw new InputError({ message: `gc takes no arguments, found "${rest[0]!}"\n${USAGE}` });
    const { dbPath } = workspacePaths(workspaceDir);
    if (!existsSync(dbPath)) throw new InputError({ field: '--workspace', message: `no workspace database at ${dbPath}` });
    const dryRun = flag(args, 'dry-run') === 'true';
    // Not swept on open, so that this command reports what it removed.
    const store = openStore({ workspaceDir, sweepOnOpen: false });
    try {
      const report = sweepBlobs(store, { dryRun });
      print(`${describeSweep(report, dryRun).join('\n')}\nworkspace: ${workspaceDir}\n`);
    } finally {
      store.close();
    }
    return;
  }
  if (command === 'list') {
    const store = openStore({ workspaceDir, readonly: true });
    try {
      const dataset = flag(args, 'dataset');
      const rows = listScenes(store, dataset !== undefined ? { dataset } : {});
      print(rows.length ? `${table(rows)}\n${rows.length} scenes in ${workspaceDir}\n` : `no scenes in ${workspaceDir}\n`);
    } finally {
      store.close();
    }
    return;
  }
  if (command === 'show') {
    const id = rest[0];
    if (!id) throw new InputError({ message: `show needs a scene id\n${USAGE}` });
    const store = openStore({ workspaceDir, readonly: true });
    try {
      const s = loadScene(store, id);
      const p = s.provenance;
      const usedBy = (runIds: string[]): string => (runIds.length === 0 ? 'no run' : `run${runIds.length > 1 ? 's' : ''} ${runIds.join(', ')}`);
      const versions = listSceneVersions(store, id).map((v) =>
        v.replacedAt === null
          ? `version: ${v.version} (current; used by ${usedBy(v.runIds)})`
          : `kept version: ${v.version} (replaced ${new Date(v.replacedAt).toISOString()}; used by ${usedBy(v.runIds)})`,
      );
      const labels = new Map<string, number>();
      for (const o of s.objects) labels.set(o.label, (labels.get(o.label) ?? 0) + 1);
      print(
        [
          `${printableId(s.id)} (${printableId(s.dataset)}, from ${printableId(p.source)} ${printableId(p.sourceId)})`,
          ...(isEvalScene(s) ? ['VSI-Bench evaluation scene: training on it contaminates a VSI-Bench score (exports for training refuse it without --allow-eval-scenes)'] : []),
          ...versions,
          `room: ${s.room.area.toFixed(2)} m², centre ${s.room.center.map((v) => v.toFixed(2)).join(', ')}`,
          `objects (${s.objects.length}): ${[...labels].map(([l, n]) => `${printableId(l)} ×${n}`).join(', ')}`,
          `points: ${s.points ? s.points.positions.length / 3 : 0}, frames: ${s.trajectory?.length ?? 0}`,
          `conversion: up ${p.conversion.upAxis}, ${p.conversion.units}; ${p.conversion.notes.join('; ')}`,
          `synthesised: ${p.synthesised.join(', ') || 'nothing'}; seeds: ${JSON.stringify(p.seeds)}`,
          ...p.warnings.map((w) => `warning: ${w}`),
        ].join('\n') + '\n',
      );
    } finally {
      store.close();
    }
    return;
  }
  throw new InputError({ message: `${command ? `unknown command "${command}"` : 'no command'}\n${USAGE}` });
}, USAGE);
