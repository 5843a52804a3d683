/**
 * Scenes: the canonical scene split into summary columns (for lists), a metadata JSON (objects, room,
 * trajectory, provenance), one point-cloud blob that also carries the objects' point indices, and one blob per
 * distinct frame image, listed per version in `scene_frame_images` so the sweep keeps them (migration 0008).
 *
 * A scene's content has a version (`sceneVersion`). Saving under an existing id with different content makes a
 * new current version; the replaced one moves to `scene_versions` when a run used it, and that run keeps reading
 * it (`loadScene(store, id, version)`): what a run trained on, and what its stored programs ran on, never changes.
 */
import { createHash } from 'node:crypto';
import { InputError, type InputProblem } from '../../shared/errors.js';
import type { CameraFrame, Provenance, Room, Scene, SceneObject, SceneSummary, SourceKind } from '../../shared/scene.js';
import { summarizeScene } from '../../shared/scene.js';
import { sceneProblems } from '../scene/validate.js';
import { discardNewBlobs, isBlobRegistered, registerBlob } from './blobRows.js';
import type { BlobWrite } from './blobs.js';
import { isStoreError, StoreError } from './errors.js';
import { fromJson, toJson, whereClause } from './json.js';
import { decodePointCloud, encodePointCloud, PointCloudFormatError, type ObjectSegment } from './pointCloudCodec.js';
import type { Store } from './store.js';

interface SceneRow {
  id: string;
  version: string;
  dataset: string;
  source: SourceKind;
  source_id: string;
  metadata: string;
  points_blob: string | null;
  object_count: number;
  label_count: number;
  point_count: number;
  frame_count: number;
  room_area: number;
  synthesised: string;
}

interface SceneMetadata {
  objects: Omit<SceneObject, 'pointIndices'>[];
  room: Room;
  trajectory?: CameraFrame[];
  provenance: Provenance;
}

export interface SceneFilter {
  dataset?: string;
  source?: SourceKind;
  /** Default: all. */
  limit?: number;
  offset?: number;
}

/**
 * What the store needs beyond a valid scene: point indices only mean something with the points they index, and a
 * frame's image must come with its bytes (`frameImages`) unless the workspace holds it already.
 */
function storeProblems(store: Store, scene: Scene): InputProblem[] {
  const problems: InputProblem[] = [];
  if (!scene.points) {
    scene.objects.forEach((o, i) => {
      if (o.pointIndices !== undefined) problems.push({ field: `${scene.id}.objects[${i}].pointIndices`, message: 'expected no point indices: the scene has no point cloud' });
    });
  }
  (scene.trajectory ?? []).forEach((f, i) => {
    const h = f.imageBlob;
    if (h === undefined || scene.frameImages?.has(h) || (isBlobRegistered(store, h) && store.blobs.exists(h))) return;
    problems.push({ field: `${scene.id}.trajectory[${i}].imageBlob`, message: 'expected the image\'s bytes in the scene\'s frameImages or an image the workspace holds, found neither' });
  });
  return problems;
}

/** Each distinct frame image of the scene: hash, and its bytes when the scene carries them. */
function imagesOf(scene: Scene): { hash: string; bytes: Uint8Array | undefined }[] {
  const hashes = new Set<string>();
  for (const f of scene.trajectory ?? []) if (f.imageBlob !== undefined) hashes.add(f.imageBlob);
  return [...hashes].map((hash) => ({ hash, bytes: scene.frameImages?.get(hash) }));
}

/** The image's bytes written as a blob, checked against the name the frame gives it. */
function writeImage(store: Store, scene: Scene, hash: string, bytes: Uint8Array): BlobWrite {
  const w = store.blobs.write(bytes);
  if (w.hash !== hash) {
    throw new InputError({ field: `${scene.id}.frameImages`, message: `expected the bytes of image ${hash}, found bytes that hash to ${w.hash}` });
  }
  return w;
}

function metadataOf(scene: Scene): SceneMetadata {
  const objects = scene.objects.map(({ pointIndices: _indices, ...rest }) => rest);
  return { objects, room: scene.room, trajectory: scene.trajectory, provenance: scene.provenance };
}

function segmentsOf(scene: Scene): ObjectSegment[] {
  return scene.objects.flatMap((o) => (o.pointIndices ? [{ objectId: o.id, pointIndices: o.pointIndices }] : []));
}

const UPSERT = `
  INSERT INTO scenes (id, version, dataset, source, source_id, metadata, points_blob, object_count, label_count, point_count,
                      frame_count, room_area, synthesised, created_at, updated_at)
  VALUES (@id, @version, @dataset, @source, @sourceId, @metadata, @pointsBlob, @objectCount, @labelCount, @pointCount,
          @frameCount, @roomArea, @synthesised, @now, @now)
  ON CONFLICT (id) DO UPDATE SET
    version = excluded.version, dataset = excluded.dataset, source = excluded.source, source_id = excluded.source_id,
    metadata = excluded.metadata, points_blob = excluded.points_blob, object_count = excluded.object_count,
    label_count = excluded.label_count, point_count = excluded.point_count, frame_count = excluded.frame_count,
    room_area = excluded.room_area, synthesised = excluded.synthesised, updated_at = excluded.updated_at`;

/** Keeps a replaced version: the same columns as `scenes`, plus when it was replaced. */
const ARCHIVE = `
  INSERT OR IGNORE INTO scene_versions (scene_id, version, dataset, source, source_id, metadata, points_blob, object_count,
                                        label_count, point_count, frame_count, room_area, synthesised, replaced_at)
  SELECT id, version, dataset, source, source_id, metadata, points_blob, object_count, label_count, point_count,
         frame_count, room_area, synthesised, ? FROM scenes WHERE id = ?`;

/**
 * The version of a scene's stored content: a hash of its dataset, metadata JSON and point-cloud blob (which
 * covers the points and the objects' point indices). The metadata holds each frame's `imageBlob`, the hash of its
 * image, so a changed image is a changed version. Equal content gives an equal version, so re-importing an
 * unchanged file changes nothing. 16 hex digits: versions are only compared within one scene id.
 */
export function sceneVersion(dataset: string, metadata: string, pointsBlob: string | null): string {
  // Migration 0006 has a frozen copy of this; a test keeps both equal.
  return createHash('sha256').update(`${dataset}\n${metadata}\n${pointsBlob ?? ''}`).digest('hex').slice(0, 16);
}

/** What saving did to one scene: the caller tells the user when a scene some run used has changed. */
export interface SavedScene {
  summary: SceneSummary;
  version: string;
  /** `new`: no scene had this id; `unchanged`: same content as stored; `changed`: a new version replaced another. */
  change: 'new' | 'unchanged' | 'changed';
  /** For `changed`: the version replaced, and the runs that used it, which keep using it. */
  previous?: { version: string; runIds: string[] };
}

/** One line for the user about a `changed` scene: which versions, and which runs keep the old one. */
export function sceneChangeText(saved: SavedScene): string {
  const { summary, version, previous } = saved;
  if (!previous) return `scene ${summary.id}: version ${version}`;
  const runs = previous.runIds;
  const kept =
    runs.length === 0
      ? 'no run used the old one'
      : `${runs.length === 1 ? 'run' : `${runs.length} runs`} ${runs.slice(0, 3).join(', ')}${runs.length > 3 ? ', …' : ''} keep${runs.length === 1 ? 's' : ''} using ${previous.version}`;
  return `scene ${summary.id} changed: new version ${version} replaces ${previous.version} (${kept})`;
}

/** Saves (inserts, or makes a new version of, by id) one scene; see `saveScenes`. */
export function saveScene(store: Store, scene: Scene): SavedScene {
  return saveScenes(store, [scene])[0]!;
}

/**
 * Saves scenes all-or-nothing: every scene is validated before anything is written (an InputError lists the
 * problems of all of them), blobs are written next, then every row in one transaction. If that transaction
 * fails, the blob files this call created are removed again. A scene whose content is unchanged is left as it
 * is; a changed one gets a new version, and its old version is kept (`scene_versions`) when a run used it, else
 * dropped, its blob left to `sweepBlobs` because a reader may still be loading it.
 */
export function saveScenes(store: Store, scenes: readonly Scene[]): SavedScene[] {
  store.assertWritable('save scenes');
  // The store's own checks read the scene's shape, so they run only on scenes that passed validation.
  const problems = scenes.flatMap((s) => {
    const own = sceneProblems(s);
    return own.length > 0 ? own : storeProblems(store, s);
  });
  if (problems.length > 0) throw new InputError(problems);

  const written: BlobWrite[] = [];
  try {
    const blobs = scenes.map((scene) => {
      if (!scene.points) return null;
      const w = store.blobs.write(encodePointCloud(scene.points, segmentsOf(scene)));
      written.push(w);
      return w;
    });
    const images = scenes.map((scene) =>
      imagesOf(scene).map(({ hash, bytes }) => {
        if (!bytes) return { hash, size: 0, bytes };
        const w = writeImage(store, scene, hash, bytes);
        written.push(w);
        return { hash, size: w.size, bytes };
      }),
    );
    const summaries = scenes.map(summarizeScene);
    const metadata = scenes.map((scene) => toJson(metadataOf(scene)));
    const versions = scenes.map((scene, i) => sceneVersion(scene.dataset, metadata[i]!, blobs[i]?.hash ?? null));
    const now = Date.now();
    const upsert = store.prepare(UPSERT);
    const current = store.prepare('SELECT version FROM scenes WHERE id = ?').pluck();
    const usedBy = store.prepare('SELECT run_id FROM run_scenes WHERE scene_id = ? AND scene_version = ? ORDER BY run_id').pluck();
    const archive = store.prepare(ARCHIVE);
    const frameImageRow = store.prepare('INSERT OR IGNORE INTO scene_frame_images (scene_id, version, frame_index, image_blob) VALUES (?, ?, ?, ?)');
    const changedScenes = new Set<number>();
    return store.db.transaction(() => {
      const saved = scenes.map((scene, i): SavedScene => {
        const blob = blobs[i] ?? null;
        const summary = summaries[i]!;
        const version = versions[i]!;
        const before = current.get(scene.id) as string | undefined;
        if (before === version) return { summary, version, change: 'unchanged' };
        let previous: SavedScene['previous'];
        if (before !== undefined) {
          const runIds = usedBy.all(scene.id, before) as string[];
          if (runIds.length > 0) archive.run(now, scene.id);
          previous = { version: before, runIds };
        }
        if (blob) registerBlob(store, blob, now);
        // Images the scene did not bring are registered already (storeProblems checked).
        for (const img of images[i]!) if (img.bytes) registerBlob(store, img, now);
        changedScenes.add(i);
        upsert.run({
          id: scene.id,
          version,
          dataset: scene.dataset,
          source: scene.provenance.source,
          sourceId: scene.provenance.sourceId,
          metadata: metadata[i]!,
          pointsBlob: blob?.hash ?? null,
          objectCount: summary.objectCount,
          labelCount: summary.labelCount,
          pointCount: summary.pointCount,
          frameCount: summary.frameCount,
          roomArea: summary.roomArea,
          synthesised: toJson(summary.synthesised),
          now,
        });
        // After the upsert: its trigger drops the replaced version's rows (migration 0008) when no run kept it.
        (scene.trajectory ?? []).forEach((f, k) => f.imageBlob !== undefined && frameImageRow.run(scene.id, version, k, f.imageBlob));
        return previous ? { summary, version, change: 'changed', previous } : { summary, version, change: 'new' };
      });
      // The rows above hold the write lock, so no sweep (sweep.ts) can run until commit; one in another process may
      // have removed a file written above before that, while it was unreferenced. Put any such file back.
      scenes.forEach((scene, i) => {
        const blob = blobs[i];
        if (blob && !store.blobs.exists(blob.hash)) written.push(store.blobs.write(encodePointCloud(scene.points!, segmentsOf(scene))));
        if (!changedScenes.has(i)) return;
        for (const img of images[i]!) {
          if (store.blobs.exists(img.hash)) continue;
          if (!img.bytes) throw new StoreError('blob-missing', `image ${img.hash} of scene ${scene.id} went from ${store.blobs.dir} while the scene was being saved; re-import the scene`);
          written.push(writeImage(store, scene, img.hash, img.bytes));
        }
      });
      return saved;
      // IMMEDIATE: an unchanged scene is only read, and a read that later upgrades to a write fails at once when
      // another process committed in between (SQLITE_BUSY_SNAPSHOT); inside a caller's transaction this is a savepoint.
    }).immediate();
  } catch (e) {
    discardNewBlobs(store, written);
    throw e;
  }
}

export function hasScene(store: Store, id: string): boolean {
  return store.prepare('SELECT 1 FROM scenes WHERE id = ?').get(id) !== undefined;
}

export interface LoadSceneOptions {
  /**
   * Read the point cloud and the objects' point indices (default true). Without them a scene is its layout,
   * walkthrough and provenance: all that perception, the proposer and the built-in solver read, without reading,
   * hashing and decoding a blob of about 0.4 MB a scene.
   */
  points?: boolean;
}

/**
 * The scene as it was saved, point cloud and per-object point indices restored as typed arrays (unless
 * `options.points` is false): its current version, or `version` (one a run pinned: see `listRunScenes`).
 */
export function loadScene(store: Store, id: string, version?: string, options: LoadSceneOptions = {}): Scene {
  for (let attempt = 1; ; attempt++) {
    try {
      return loadSceneOnce(store, id, version, options.points !== false);
    } catch (e) {
      // Another process replaced the scene after its row was read here, and a sweep removed the old point cloud
      // (sweep.ts): read the row again.
      if (!(e instanceof SceneReplaced)) throw e;
      if (attempt >= 3) throw e.missing;
    }
  }
}

class SceneReplaced extends Error {
  constructor(readonly missing: StoreError) {
    super(missing.message);
  }
}

/** The row of the current version, or of `version` wherever it is kept; undefined when there is none. */
function sceneRow(store: Store, id: string, version: string | undefined): SceneRow | undefined {
  const row = store.prepare('SELECT * FROM scenes WHERE id = ?').get(id) as SceneRow | undefined;
  if (version === undefined || row?.version === version) return row;
  const kept = store.prepare('SELECT *, scene_id AS id FROM scene_versions WHERE scene_id = ? AND version = ?').get(id, version) as SceneRow | undefined;
  return kept;
}

export interface SceneVersionRecord {
  version: string;
  /** null for the current version. */
  replacedAt: number | null;
  /** Runs pinned to this version. */
  runIds: string[];
}

/** The current version first, then the kept ones, newest replaced first. */
export function listSceneVersions(store: Store, id: string): SceneVersionRecord[] {
  const current = currentSceneVersion(store, id);
  if (current === undefined) throw new StoreError('not-found', `no scene "${id}" in ${store.dbPath}`);
  const kept = store.prepare('SELECT version, replaced_at FROM scene_versions WHERE scene_id = ? AND version != ? ORDER BY replaced_at DESC, version').all(id, current) as {
    version: string;
    replaced_at: number;
  }[];
  const runs = store.prepare('SELECT run_id FROM run_scenes WHERE scene_id = ? AND scene_version = ? ORDER BY run_id').pluck();
  return [{ version: current, replacedAt: null }, ...kept.map((k) => ({ version: k.version, replacedAt: k.replaced_at }))].map((v) => ({
    ...v,
    runIds: runs.all(id, v.version) as string[],
  }));
}

/** The version a scene has now (undefined: no such scene). */
export function currentSceneVersion(store: Store, id: string): string | undefined {
  return store.prepare('SELECT version FROM scenes WHERE id = ?').pluck().get(id) as string | undefined;
}

function loadSceneOnce(store: Store, id: string, version: string | undefined, points: boolean): Scene {
  const row = sceneRow(store, id, version);
  if (!row) {
    if (version !== undefined && hasScene(store, id)) {
      throw new StoreError('not-found', `no version ${version} of scene "${id}" in ${store.dbPath} (it has version ${currentSceneVersion(store, id)!})`);
    }
    throw new StoreError('not-found', `no scene "${id}" in ${store.dbPath}`);
  }
  const meta = fromJson<SceneMetadata>(row.metadata, `scene ${id} metadata`);
  const objects: SceneObject[] = meta.objects.map((o) => ({ ...o }));
  const scene: Scene = { id: row.id, dataset: row.dataset, objects, room: meta.room, provenance: meta.provenance };
  if (meta.trajectory) scene.trajectory = meta.trajectory;
  if (points && row.points_blob !== null) {
    const owner = `scene ${id}`;
    let bytes: Buffer;
    try {
      bytes = store.blobs.read(row.points_blob, owner);
    } catch (e) {
      if (isStoreError(e, 'blob-missing') && sceneRow(store, id, version)?.points_blob !== row.points_blob) {
        throw new SceneReplaced(e);
      }
      throw e;
    }
    let decoded;
    try {
      decoded = decodePointCloud(bytes, `point cloud of ${owner} (blob ${row.points_blob})`);
    } catch (e) {
      if (e instanceof PointCloudFormatError) throw new StoreError('blob-corrupt', e.message, { cause: e });
      throw e;
    }
    scene.points = decoded.points;
    const byId = new Map(objects.map((o) => [o.id, o]));
    for (const s of decoded.segments) {
      const o = byId.get(s.objectId);
      if (!o) throw new StoreError('blob-corrupt', `point cloud of ${owner} has point indices for object ${s.objectId}, which the scene does not have`);
      o.pointIndices = s.pointIndices;
    }
  }
  return scene;
}

function toSummary(row: SceneRow): SceneSummary {
  return {
    id: row.id,
    dataset: row.dataset,
    source: row.source,
    objectCount: row.object_count,
    labelCount: row.label_count,
    pointCount: row.point_count,
    frameCount: row.frame_count,
    roomArea: row.room_area,
    synthesised: fromJson(row.synthesised, `scene ${row.id} synthesised`),
  };
}

/** Summaries ordered by id, read from the summary columns only (cheap for thousands of scenes). */
export function listScenes(store: Store, filter: SceneFilter = {}): SceneSummary[] {
  const where = whereClause([
    ['dataset', filter.dataset],
    ['source', filter.source],
  ]);
  const sql = `SELECT id, dataset, source, object_count, label_count, point_count, frame_count, room_area, synthesised
               FROM scenes ${where.sql} ORDER BY id LIMIT ? OFFSET ?`;
  const rows = store.prepare(sql).all(...where.params, filter.limit ?? -1, filter.offset ?? 0) as SceneRow[];
  return rows.map(toSummary);
}

export function countScenes(store: Store, filter: Pick<SceneFilter, 'dataset' | 'source'> = {}): number {
  const where = whereClause([
    ['dataset', filter.dataset],
    ['source', filter.source],
  ]);
  return (store.prepare(`SELECT count(*) AS n FROM scenes ${where.sql}`).get(...where.params) as { n: number }).n;
}
