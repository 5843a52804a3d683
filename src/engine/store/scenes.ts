/**
 * Scenes: the canonical scene split into summary columns (for lists), a metadata JSON (objects, room,
 * trajectory, provenance) and one point-cloud blob that also carries the objects' point indices.
 */
import { InputError, type InputProblem } from '../../shared/errors.js';
import type { CameraFrame, Provenance, Room, Scene, SceneObject, SceneSummary, SourceKind } from '../../shared/scene.js';
import { summarizeScene } from '../../shared/scene.js';
import { sceneProblems } from '../scene/validate.js';
import { discardNewBlobs, registerBlob } from './blobRows.js';
import type { BlobWrite } from './blobs.js';
import { isStoreError, StoreError } from './errors.js';
import { fromJson, toJson, whereClause } from './json.js';
import { decodePointCloud, encodePointCloud, PointCloudFormatError, type ObjectSegment } from './pointCloudCodec.js';
import type { Store } from './store.js';

interface SceneRow {
  id: string;
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

/** What the store needs beyond a valid scene: point indices only mean something with the points they index. */
function storeProblems(scene: Scene): InputProblem[] {
  if (scene.points) return [];
  return scene.objects
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => o.pointIndices !== undefined)
    .map(({ i }) => ({ field: `${scene.id}.objects[${i}].pointIndices`, message: 'expected no point indices: the scene has no point cloud' }));
}

function metadataOf(scene: Scene): SceneMetadata {
  const objects = scene.objects.map(({ pointIndices: _indices, ...rest }) => rest);
  return { objects, room: scene.room, trajectory: scene.trajectory, provenance: scene.provenance };
}

function segmentsOf(scene: Scene): ObjectSegment[] {
  return scene.objects.flatMap((o) => (o.pointIndices ? [{ objectId: o.id, pointIndices: o.pointIndices }] : []));
}

const UPSERT = `
  INSERT INTO scenes (id, dataset, source, source_id, metadata, points_blob, object_count, label_count, point_count,
                      frame_count, room_area, synthesised, created_at, updated_at)
  VALUES (@id, @dataset, @source, @sourceId, @metadata, @pointsBlob, @objectCount, @labelCount, @pointCount,
          @frameCount, @roomArea, @synthesised, @now, @now)
  ON CONFLICT (id) DO UPDATE SET
    dataset = excluded.dataset, source = excluded.source, source_id = excluded.source_id,
    metadata = excluded.metadata, points_blob = excluded.points_blob, object_count = excluded.object_count,
    label_count = excluded.label_count, point_count = excluded.point_count, frame_count = excluded.frame_count,
    room_area = excluded.room_area, synthesised = excluded.synthesised, updated_at = excluded.updated_at`;

/** Saves (inserts or replaces, by id) one scene; see `saveScenes`. */
export function saveScene(store: Store, scene: Scene): SceneSummary {
  return saveScenes(store, [scene])[0]!;
}

/**
 * Saves scenes all-or-nothing: every scene is validated before anything is written (an InputError lists the
 * problems of all of them), blobs are written next, then every row in one transaction. If that transaction
 * fails, the blob files this call created are removed again. A replaced scene's old blob stays until
 * `sweepBlobs`, because a reader may still be loading it.
 */
export function saveScenes(store: Store, scenes: readonly Scene[]): SceneSummary[] {
  store.assertWritable('save scenes');
  const problems = scenes.flatMap((s) => [...sceneProblems(s), ...storeProblems(s)]);
  if (problems.length > 0) throw new InputError(problems);

  const written: BlobWrite[] = [];
  try {
    const blobs = scenes.map((scene) => {
      if (!scene.points) return null;
      const w = store.blobs.write(encodePointCloud(scene.points, segmentsOf(scene)));
      written.push(w);
      return w;
    });
    const summaries = scenes.map(summarizeScene);
    const now = Date.now();
    const upsert = store.prepare(UPSERT);
    store.db.transaction(() => {
      scenes.forEach((scene, i) => {
        const blob = blobs[i] ?? null;
        const summary = summaries[i]!;
        if (blob) registerBlob(store, blob, now);
        upsert.run({
          id: scene.id,
          dataset: scene.dataset,
          source: scene.provenance.source,
          sourceId: scene.provenance.sourceId,
          metadata: toJson(metadataOf(scene)),
          pointsBlob: blob?.hash ?? null,
          objectCount: summary.objectCount,
          labelCount: summary.labelCount,
          pointCount: summary.pointCount,
          frameCount: summary.frameCount,
          roomArea: summary.roomArea,
          synthesised: toJson(summary.synthesised),
          now,
        });
      });
      // The rows above hold the write lock, so no sweep (sweep.ts) can run until commit; one in another process may
      // have removed a file written above before that, while it was unreferenced. Put any such file back.
      scenes.forEach((scene, i) => {
        const blob = blobs[i];
        if (blob && !store.blobs.exists(blob.hash)) written.push(store.blobs.write(encodePointCloud(scene.points!, segmentsOf(scene))));
      });
    })();
    return summaries;
  } catch (e) {
    discardNewBlobs(store, written);
    throw e;
  }
}

export function hasScene(store: Store, id: string): boolean {
  return store.prepare('SELECT 1 FROM scenes WHERE id = ?').get(id) !== undefined;
}

/** The scene as it was saved, point cloud and per-object point indices restored as typed arrays. */
export function loadScene(store: Store, id: string): Scene {
  for (let attempt = 1; ; attempt++) {
    try {
      return loadSceneOnce(store, id);
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

function loadSceneOnce(store: Store, id: string): Scene {
  const row = store.prepare('SELECT * FROM scenes WHERE id = ?').get(id) as SceneRow | undefined;
  if (!row) throw new StoreError('not-found', `no scene "${id}" in ${store.dbPath}`);
  const meta = fromJson<SceneMetadata>(row.metadata, `scene ${id} metadata`);
  const objects: SceneObject[] = meta.objects.map((o) => ({ ...o }));
  const scene: Scene = { id: row.id, dataset: row.dataset, objects, room: meta.room, provenance: meta.provenance };
  if (meta.trajectory) scene.trajectory = meta.trajectory;
  if (row.points_blob !== null) {
    const owner = `scene ${id}`;
    let bytes: Buffer;
    try {
      bytes = store.blobs.read(row.points_blob, owner);
    } catch (e) {
      if (isStoreError(e, 'blob-missing') && store.prepare('SELECT points_blob FROM scenes WHERE id = ?').pluck().get(id) !== row.points_blob) {
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
