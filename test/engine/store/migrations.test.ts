import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/errors.js';
import {
  BlobStore,
  checkpointFile,
  createRun,
  currentSceneVersion,
  encodePointCloud,
  getQa,
  getRun,
  insertSolverOutputs,
  isStoreError,
  LATEST_SCHEMA_VERSION,
  listBenchmarkQuestions,
  listCheckpoints,
  listSolverOutputs,
  listRounds,
  listRunScenes,
  listRuns,
  listScenes,
  loadScene,
  migrate,
  MIGRATIONS,
  openStore,
  queryQa,
  readSchemaVersion,
  saveScene,
  sceneVersion,
  updateRunInfo,
  workspacePaths,
  type Migration,
} from '../../../src/engine/store/index.js';
import type { NewSolverOutput } from '../../../src/shared/records.js';
import { makeScene, useWorkspaces } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A workspace whose database was left at `version` by an older build. */
function createAtVersion(dir: string, version: number): Database.Database {
  const paths = workspacePaths(dir);
  mkdirSync(paths.blobsDir, { recursive: true });
  const db = new Database(paths.dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS, version);
  return db;
}

const oldScene = makeScene('synthetic:old', { points: 40, labels: ['chair', 'chair', 'table'], frames: 3 });

/** What a build at `version` would have written: raw SQL, so the test does not depend on today's repositories. */
function seedAt(db: Database.Database, blobs: BlobStore, version: number): void {
  const segments = oldScene.objects.map((o) => ({ objectId: o.id, pointIndices: o.pointIndices! }));
  const cloud = blobs.write(encodePointCloud(oldScene.points!, segments));
  const ckpt = blobs.write(new TextEncoder().encode('checkpoint weights v1'));
  const insertBlob = db.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, ?, 1)');
  insertBlob.run(cloud.hash, cloud.size);
  insertBlob.run(ckpt.hash, ckpt.size);
  const metadata = JSON.stringify({
    objects: oldScene.objects.map(({ pointIndices: _p, ...o }) => o),
    room: oldScene.room,
    trajectory: oldScene.trajectory,
    provenance: oldScene.provenance,
  });
  const base = [oldScene.id, 'synthetic', 'synthetic', 'old', metadata, cloud.hash, 3, 40, 3, oldScene.room.area];
  if (version >= 2) {
    db.prepare(
      `INSERT INTO scenes (id, dataset, source, source_id, metadata, points_blob, object_count, point_count, frame_count, room_area,
        label_count, synthesised, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, '["pointCloud"]', 1, 1)`,
    ).run(...base);
  } else {
    db.prepare(
      `INSERT INTO scenes (id, dataset, source, source_id, metadata, points_blob, object_count, point_count, frame_count, room_area,
        created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)`,
    ).run(...base);
  }
  db.prepare(
    `INSERT INTO runs (id, name, mode, config, seeds, code_version, status, provider, error, created_at, updated_at)
     VALUES ('run-old', 'old run', 'closed-loop', ?, '{"root":5}', '0.0.1', 'completed', 'mock', NULL, 1, 2)`,
  ).run(version >= 12 ? '{"rounds":2}' : '{"iterations":2}');
  db.prepare(`INSERT INTO run_scenes (run_id, scene_id, split) VALUES ('run-old', ?, 'train')`).run(oldScene.id);
  if (version >= 6) {
    // A build with scene versions wrote the version of the content, and pinned the run to it.
    const v = sceneVersion('synthetic', metadata, cloud.hash);
    db.prepare('UPDATE scenes SET version = ?').run(v);
    db.prepare('UPDATE run_scenes SET scene_version = ?').run(v);
  }
  // Version 12 renamed iterations (idx) to rounds (round), and every iteration column to round.
  const rounds = version >= 12 ? 'rounds (run_id, round' : 'iterations (run_id, idx';
  const round = version >= 12 ? 'round' : 'iteration';
  db.prepare(`INSERT INTO ${rounds}, status, stage) VALUES ('run-old', 0, 'completed', 'evaluate'), ('run-old', 1, 'completed', 'evaluate')`).run();
  // Before version 11 the named objects, the program's arguments and the frame rode in `extra` JSON.
  const typed = version >= 11;
  const qa = db.prepare(
    `INSERT INTO qa (id, run_id, ${round}, scene_id, proposal_id, proposer, family, difficulty, bin, question, options, answer_type,
       answer, program, program_result, verdict, rejected_by, reason, filter_verdicts, ${typed ? 'named, args, frame' : 'extra'}, seed, created_at)
     VALUES (?, 'run-old', 0, ?, 'p', 'programmatic', ?, '{"margin":0.3}', 1, 'How many chairs?', NULL, 'number', 2,
       'return 2;', '2', 'accepted', NULL, NULL, '[{"filter":"executes","passed":true}]', ${typed ? '?, ?, ?' : '?'}, 7, 1)`,
  );
  const chairs = { named: [{ label: 'chair', role: 'every' }], args: { label: 'chair' } };
  const bed = { named: [{ label: 'bed', role: 'unique' }], args: { object: 'bed', frame: 2 }, frame: 2 };
  for (const [id, family, facts] of [[1, 'object_counting', chairs], [2, 'object_abs_distance', bed]] as const) {
    if (typed) qa.run(id, oldScene.id, family, JSON.stringify(facts.named), JSON.stringify(facts.args), 'frame' in facts ? facts.frame : null);
    else qa.run(id, oldScene.id, family, JSON.stringify(facts));
  }
  db.prepare(`INSERT INTO benchmark_sets (id, name, description, created_at) VALUES ('old-set', 'old', '', 1)`).run();
  const bq = db.prepare(
    `INSERT INTO benchmark_questions (set_id, scene_id, family, question, options, answer_type, answer, metadata${typed ? ', named, frame' : ''})
     VALUES ('old-set', ?, 'object_abs_distance', 'How far?', NULL, 'number', 1.5, ?${typed ? ', ?, ?' : ''})`,
  );
  if (typed) bq.run(oldScene.id, '{"proposalId":"p"}', JSON.stringify(bed.named), bed.frame);
  else bq.run(oldScene.id, JSON.stringify({ proposalId: 'p', named: bed.named, frame: bed.frame }));
  db.prepare(
    `INSERT INTO checkpoints (id, run_id, ${round}, blob_hash, config, optimizer_step, created_at) VALUES (1, 'run-old', 0, ?, '{"lr":0.0001}', 50, 1)`,
  ).run(ckpt.hash);
  const out = db.prepare(
    `INSERT INTO solver_outputs (qa_id, run_id, ${round}, checkpoint_id, prediction, confidence, bucket, answer_token_probs, created_at)
     VALUES (1, 'run-old', ?, ?, ?, ?, ?, '[0.5]', 1)`,
  );
  // The later round's answer is inserted first: "latest" is by iteration, not by insertion.
  out.run(1, 1, '2', 0.95, 'easy');
  out.run(0, null, '5', 0.05, 'hard');
}

describe('schema migrations', () => {
  const ws = useWorkspaces();

  it('are numbered 1, 2, 3 … and each lives in its own module named after its number', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const files = readdirSync(join(here, '../../../src/engine/store/migrations')).filter((f) => /^\d{4}_/.test(f)).sort();
    expect(files.map((f) => Number(f.slice(0, 4)))).toEqual(MIGRATIONS.map((m) => m.version));
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('create an empty workspace at the latest version with WAL, foreign keys and a busy timeout', () => {
    const dir = ws.dir();
    const store = ws.open(dir);
    expect(store.migration).toMatchObject({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(store.migration.applied).toEqual(['0001_initial', '0002_scene summary columns', '0003_qa buckets', '0004_qa trained iteration', '0005_solver output selection scores', '0006_scene versions', '0007_endpoint solver', '0008_frame images', '0009_endpoint models', '0010_qa prediction', '0011_qa typed fields', '0012_rounds', '0013_run notes and tags', '0014_round active time']);
    expect(readSchemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual([
      'benchmark_questions',
      'benchmark_sets',
      'blobs',
      'checkpoints',
      'controller_decisions',
      'endpoint_models',
      'endpoint_responses',
      'metrics',
      'qa',
      'rounds',
      'run_scenes',
      'run_tags',
      'runs',
      'scene_frame_images',
      'scene_versions',
      'scenes',
      'schema_version',
      'solver_outputs',
      'training_stats',
    ]);
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['blobs', 'workbench.db']));
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
    const again = ws.open(dir);
    expect(again.migration).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
  });

  for (let k = 1; k < LATEST_SCHEMA_VERSION; k++) {
    it(`bring a version-${k} workspace with data to the latest version, data intact`, () => {
      const dir = ws.dir();
      const db = createAtVersion(dir, k);
      expect(readSchemaVersion(db)).toBe(k);
      seedAt(db, new BlobStore(workspacePaths(dir).blobsDir, true), k);
      db.close();

      const store = ws.open(dir);
      expect(store.migration).toMatchObject({ from: k, to: LATEST_SCHEMA_VERSION });
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      expect(loadScene(store, oldScene.id)).toEqual(oldScene);
      expect(listScenes(store)).toEqual([
        {
          id: oldScene.id,
          dataset: 'synthetic',
          source: 'synthetic',
          objectCount: 3,
          labelCount: 2,
          pointCount: 40,
          frameCount: 3,
          roomArea: oldScene.room.area,
          synthesised: ['pointCloud'],
        },
      ]);
      // The run is pinned to the version its scene has now, and that version is the one today's code computes for
      // the same content (migration 0006's frozen copy of sceneVersion agrees): saving it again changes nothing.
      const version = currentSceneVersion(store, oldScene.id);
      expect(listRunScenes(store, 'run-old')).toEqual([{ sceneId: oldScene.id, split: 'train', sceneVersion: version }]);
      expect(saveScene(store, oldScene)).toMatchObject({ change: 'unchanged', version });
      // Version 12 renamed iterations to rounds, in the schema and in a run's stored settings.
      expect(getRun(store, 'run-old')).toMatchObject({ status: 'completed', config: { rounds: 2 }, seeds: { root: 5 }, createdAt: 1, updatedAt: 2, tags: [], notes: '' });
      expect(getRun(store, 'run-old').config).not.toHaveProperty('iterations');
      expect(listRounds(store, 'run-old').map((r) => [r.round, r.status])).toEqual([
        [0, 'completed'],
        [1, 'completed'],
      ]);
      expect(listSolverOutputs(store, { runId: 'run-old' }).map((o) => o.round)).toEqual([1, 0]);
      const qa = queryQa(store, { runId: 'run-old', limit: 10 });
      expect(qa.map((q) => [q.id, q.family, q.answer, q.bucket, q.confidence, q.prediction])).toEqual([
        [1, 'object_counting', 2, 'easy', 0.95, '2'],
        [2, 'object_abs_distance', 2, null, null, null],
      ]);
      expect(queryQa(store, { runId: 'run-old', bucket: 'easy', limit: 10 }).map((q) => q.id)).toEqual([1]);
      // Named objects, arguments and frame read back typed, whether written as `extra` JSON (before 11) or as columns.
      expect(qa.map((q) => [q.named, q.args, q.frame])).toEqual([
        [[{ label: 'chair', role: 'every' }], { label: 'chair' }, null],
        [[{ label: 'bed', role: 'unique' }], { object: 'bed', frame: 2 }, 2],
      ]);
      expect(listBenchmarkQuestions(store, 'old-set').map((q) => [q.named, q.frame, q.metadata])).toEqual([[[{ label: 'bed', role: 'unique' }], 2, { proposalId: 'p' }]]);
      const [ckpt] = listCheckpoints(store, 'run-old');
      expect(ckpt).toMatchObject({ id: 1, optimizerStep: 50, config: { lr: 0.0001 } });
      expect(checkpointFile(store, 1)).toContain(ckpt!.blobHash);
      // Answers stored before the selection rules existed read back with their scores unknown (null), not 0.
      expect(listSolverOutputs(store, { runId: 'run-old' }).map((o) => [o.confidence, o.pCorrect, o.loss, o.referenceLoss, o.selectionScore])).toEqual([
        [0.95, null, null, null, null],
        [0.05, null, null, null, null],
      ]);
    });
  }

  it("keep each question's latest prediction: backfilled from a version-9 workspace, then kept by the trigger (0010)", () => {
    const dir = ws.dir();
    const db = createAtVersion(dir, 9);
    seedAt(db, new BlobStore(workspacePaths(dir).blobsDir, true), 9);
    db.close();
    const store = ws.open(dir);
    expect(store.migration.applied).toContain('0010_qa prediction');
    const latest = (): [number, string | null, number | null][] => queryQa(store, { runId: 'run-old', limit: 10 }).map((q) => [q.id, q.prediction, q.confidence]);
    // Backfill: question 1's iteration-1 answer ('2'), not its iteration-0 one ('5') inserted after it.
    expect(latest()).toEqual([
      [1, '2', 0.95],
      [2, null, null],
    ]);
    const answer = (qaId: number, round: number, prediction: string, confidence: number): NewSolverOutput => ({
      qaId,
      round,
      checkpointId: null,
      prediction,
      confidence,
      bucket: confidence > 0.5 ? 'easy' : 'hard',
      answerTokenProbs: [confidence],
    });
    // A newer answer in the same round replaces it; an older round's answer arriving late does not; bucket, confidence
    // and prediction always come from the same answer.
    insertSolverOutputs(store, [answer(1, 1, '7', 0.6), answer(1, 0, '9', 0.1), answer(2, 1, '3', 0.2)]);
    expect(latest()).toEqual([
      [1, '7', 0.6],
      [2, '3', 0.2],
    ]);
    expect(getQa(store, 1)).toMatchObject({ prediction: '7', confidence: 0.6, bucket: 'easy' });
    expect(store.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'solver_outputs'`).pluck().all()).toEqual(['solver_outputs_set_qa_latest']);
  });

  it('give rounds an active time: a version-13 workspace upgraded takes each finished round’s span, and null for one under way (0014)', () => {
    const dir = ws.dir();
    const db = createAtVersion(dir, 13);
    seedAt(db, new BlobStore(workspacePaths(dir).blobsDir, true), 13);
    db.prepare(`UPDATE rounds SET started_at = 1000, finished_at = 5000 WHERE round = 0`).run();
    db.prepare(`UPDATE rounds SET status = 'pending', stage = 'solve', started_at = 6000 WHERE round = 1`).run();
    db.close();
    const store = ws.open(dir);
    expect(store.migration.applied).toEqual(['0014_round active time']);
    expect(listRounds(store, 'run-old').map((r) => [r.round, r.activeMs])).toEqual([
      [0, 4000],
      [1, null],
    ]);
  });

  it('give runs notes and tags: a version-11 workspace upgraded keeps its runs, with none, and takes both (0013)', () => {
    const dir = ws.dir();
    const db = createAtVersion(dir, 11);
    seedAt(db, new BlobStore(workspacePaths(dir).blobsDir, true), 11);
    db.close();
    const store = ws.open(dir);
    expect(store.migration.applied).toEqual(['0012_rounds', '0013_run notes and tags', '0014_round active time']);
    expect(getRun(store, 'run-old')).toMatchObject({ name: 'old run', tags: [], notes: '', updatedAt: 2 });
    const updated = updateRunInfo(store, 'run-old', { name: '  renamed  ', tags: ['b', ' a ', 'b', ''], notes: 'seed 5 looked odd' });
    // Trimmed, blanks dropped, each tag once, sorted; labelling a run is not progress, so updatedAt stays.
    expect(updated).toMatchObject({ name: 'renamed', tags: ['a', 'b'], notes: 'seed 5 looked odd', updatedAt: 2 });
    expect(listRuns(store).map((r) => [r.id, r.tags])).toEqual([['run-old', ['a', 'b']]]);
    expect(updateRunInfo(store, 'run-old', { tags: [] }).tags).toEqual([]);
    // The tags go with their run.
    updateRunInfo(store, 'run-old', { tags: ['keep'] });
    store.db.prepare(`DELETE FROM runs WHERE id = 'run-old'`).run();
    expect(store.db.prepare('SELECT count(*) FROM run_tags').pluck().get()).toBe(0);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
  });

  it('refuse a database newer than this build, naming the file and both versions', () => {
    const dir = ws.dir();
    ws.open(dir).close();
    const raw = new Database(workspacePaths(dir).dbPath);
    raw.prepare(`INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', 1)`).run(LATEST_SCHEMA_VERSION + 1);
    raw.close();
    for (const readonly of [false, true]) {
      const e = thrown(() => openStore({ workspaceDir: dir, readonly }));
      expect(isStoreError(e, 'schema-too-new')).toBe(true);
      expect(e.message).toContain(workspacePaths(dir).dbPath);
      expect(e.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}`);
      expect(e.message).toContain(`up to ${LATEST_SCHEMA_VERSION}`);
    }
  });

  it('refuse an SQLite file that is not a workspace, and a file that is not SQLite', () => {
    const dir = ws.dir();
    const foreign = new Database(workspacePaths(dir).dbPath);
    foreign.exec('CREATE TABLE photos (id INTEGER)');
    foreign.close();
    expect(thrown(() => openStore({ workspaceDir: dir })).message).toMatch(/workbench\.db is an SQLite database but not a workbench one/);

    const dir2 = ws.dir();
    writeFileSync(workspacePaths(dir2).dbPath, 'this is not a database, just some text that is long enough to have a header');
    const e = thrown(() => openStore({ workspaceDir: dir2 }));
    expect(isStoreError(e, 'open-failed')).toBe(true);
    expect(e.message).toContain(workspacePaths(dir2).dbPath);
  });

  it('roll a failing migration back completely', () => {
    const dir = ws.dir();
    const db = createAtVersion(dir, LATEST_SCHEMA_VERSION);
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'broken',
      up: (d) => d.exec('CREATE TABLE half_done (x); ALTER TABLE runs ADD COLUMN tag TEXT; INSERT INTO no_such_table VALUES (1);'),
    };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/no such table/);
    expect(readSchemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).pluck().get()).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'tag'`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuse a migration list with gaps', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [MIGRATIONS[0]!, MIGRATIONS[2]!])).toThrow(/entry 1 .* has version 3, expected 2/);
    db.close();
  });
});

describe('read-only stores', () => {
  const ws = useWorkspaces();

  it('see what a writer commits, while the writer keeps writing', () => {
    const dir = ws.dir();
    const writer = ws.open(dir);
    const reader = ws.open(dir, true);
    expect(reader.readonly).toBe(true);
    expect(listRuns(reader)).toEqual([]);
    const run = createRun(writer, { name: 'live', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' });
    expect(listRuns(reader).map((r) => r.id)).toEqual([run.id]);
    // A reader in the middle of a read transaction keeps its snapshot; the writer is not blocked by it.
    reader.db.exec('BEGIN');
    expect(listRuns(reader)).toHaveLength(1);
    createRun(writer, { name: 'second', mode: 'no-feedback', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' });
    expect(listRuns(reader)).toHaveLength(1);
    reader.db.exec('COMMIT');
    expect(listRuns(reader)).toHaveLength(2);
  });

  it('refuse to write, with an error naming the action', () => {
    const dir = ws.dir();
    ws.open(dir).close();
    const reader = ws.open(dir, true);
    const e = thrown(() => createRun(reader, { name: 'x', mode: 'closed-loop', config: {}, seeds: {}, codeVersion: 'x', provider: 'mock' }));
    expect(isStoreError(e, 'readonly')).toBe(true);
    expect(e.message).toMatch(/cannot create a run: the workspace .* is open read-only/);
  });

  it('open a workspace no process has open, and refuse a missing or outdated one', () => {
    const dir = ws.dir();
    ws.open(dir).close();
    expect(listRuns(ws.open(dir, true))).toEqual([]);

    const missing = join(ws.dir(), 'nowhere');
    expect(isStoreError(thrown(() => openStore({ workspaceDir: missing, readonly: true })), 'not-found')).toBe(true);
    expect(readdirSync(dirname(missing))).toEqual([]);

    // A 0-byte database file (a crash, a full disk, a `touch`) is no workspace, not "schema version 0".
    const empty = ws.dir();
    mkdirSync(empty, { recursive: true });
    writeFileSync(workspacePaths(empty).dbPath, '');
    const e0 = thrown(() => openStore({ workspaceDir: empty, readonly: true }));
    expect(isStoreError(e0, 'not-a-workspace')).toBe(true);
    expect(e0.message).toBe(`${workspacePaths(empty).dbPath} is an empty file (0 bytes), not a workbench database; open the workspace read-write once to create one there`);
    expect(readFileSync(workspacePaths(empty).dbPath).length).toBe(0);
    expect(listRuns(ws.open(empty))).toEqual([]);

    const old = ws.dir();
    createAtVersion(old, 1).close();
    const e = thrown(() => openStore({ workspaceDir: old, readonly: true }));
    expect(isStoreError(e, 'schema-too-old')).toBe(true);
    expect(e.message).toContain('schema version 1, this build needs');
  });
});
