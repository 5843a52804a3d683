/**
 * VSI-Bench `meta_info` JSON (thinking-in-space): one file per dataset, `{ <scene>: { dataset, room_size,
 * room_center, object_counts, object_bbox: { <label>: [ {centroid, axesLengths, normalizedAxes, min, max} ] } } }`.
 *
 * What we found in the published files (tested in test/engine/sources/vsibench.test.ts):
 *  - Both ScanNet and ARKitScenes files are already Z-up metres: the floor-contact cue picks +z for both
 *    (ScanNet 0.44 vs ≤ 0.19 for any other signed axis; ARKitScenes 0.89 vs ≤ 0.40), and ARKitScenes boxes
 *    are gravity-aligned about z (98% have z as a box axis) while ScanNet boxes are PCA-oriented.
 *    The importer still detects the axis per file and converts when it is not +z.
 *  - `normalizedAxes` holds three unit axes row by row, paired with `axesLengths`; `min`/`max` equal
 *    centroid ± Σ|axis|·length/2, i.e. the world AABB of the oriented box.
 *  - `object_counts` sometimes disagrees with the number of boxes (12 labels in ScanNet, e.g. printer 1 vs
 *    2 boxes); the boxes are what the questions are computed from, so they win and a warning records it.
 * The files carry no point cloud and no trajectory; both are synthesised (marked in provenance).
 */
import { InputError } from '../../shared/errors.js';
import type { InputProblem } from '../../shared/errors.js';
import type { Mat3, Mat4, Scene, SceneObject, SynthesisedPart, Vec3 } from '../../shared/scene.js';
import { IDENTITY4 } from '../../shared/scene.js';
import { hashSeed } from '../../shared/random.js';
import { normalizeLabel } from '../scene/labels.js';
import { cross, dot, mat3Mul, mat4Rotation, mat4TransformPoint } from '../scene/math.js';
import { assertValidScene } from '../scene/validate.js';
import type { AxisBox, SignedAxis, UpAxisEvidence } from '../scene/upAxis.js';
import { describeEvidence, detectUpAxis, upAxisToZTransform } from '../scene/upAxis.js';
import { estimateRoomBounds } from '../scene/synthesis/roomBounds.js';
import { synthesizePointCloud } from '../scene/synthesis/pointCloud.js';
import { planTrajectory } from '../scene/synthesis/trajectory.js';
import { FieldReader, readJsonFile } from './json.js';
import { MAX_AREA_M2, MAX_LENGTH_M } from './limits.js';

export interface VsiImportOptions {
  /** Seed for synthesised point clouds and trajectories (each scene derives its own from it and its name). */
  seed?: number;
  /** Force the source up axis instead of detecting it. */
  upAxis?: SignedAxis;
  synthesizePoints?: boolean;
  synthesizeTrajectory?: boolean;
  /** Import only these scene names. */
  only?: string[];
  /**
   * Make only the scenes whose id passes (a part of the file): the up axis is still read from every scene, so
   * a kept scene is the same as in a whole import, and the others cost no synthesis.
   */
  keep?: (sceneId: string) => boolean;
  frames?: number;
}

export interface VsiImportResult {
  scenes: Scene[];
  upAxis: UpAxisEvidence | { axis: SignedAxis; forced: true };
  file: string;
}

/**
 * Most boxes one scene may list. VSI-Bench scenes have at most a few dozen; past this an import stops being
 * interactive: at 20k objects one scene takes about 5 s on one core (point cloud ~3.5 s, walkthrough ~0.5 s),
 * at 100k about two minutes, nearly all of it the point cloud's surface sampling, which grows faster than linearly.
 */
export const MAX_VSI_OBJECTS_PER_SCENE = 20_000;

interface RawBox {
  label: string;
  centroid: Vec3;
  axesLengths: Vec3;
  axes: [Vec3, Vec3, Vec3];
  min: Vec3;
  max: Vec3;
}

interface RawScene {
  name: string;
  dataset: string;
  roomSize: number;
  roomCenter: Vec3;
  boxes: RawBox[];
  warnings: string[];
}

/** Reads and checks every field first, so one run reports all problems of a file at once. */
function readRawScenes(data: unknown, file: string, only?: string[]): RawScene[] {
  const r = new FieldReader(file);
  const root = r.object(data, '(top level)');
  r.throwIfAny();
  const scenes: RawScene[] = [];
  const names = Object.keys(root!).filter((n) => !only || only.includes(n));
  if (only) {
    // Own keys only: a scene (or label, below) named `toString` is not Object.prototype's.
    const missing = only.filter((n) => !Object.hasOwn(root!, n));
    if (missing.length) throw new InputError({ file, message: `no scene named ${missing.join(', ')} in this file` });
  }
  if (names.length === 0) throw new InputError({ file, message: 'expected at least one scene, found an empty object' });
  for (const name of names) {
    const s = r.object(root![name], name);
    if (!s) continue;
    const dataset = s.dataset === undefined ? 'unknown' : r.string(s.dataset, `${name}.dataset`);
    let roomSize = r.number(s.room_size, `${name}.room_size`, { positive: true });
    if (roomSize !== undefined && roomSize > MAX_AREA_M2) {
      r.problems.push({ file, field: `${name}.room_size`, message: `expected a floor area up to ${MAX_AREA_M2} m² (the importers' bound on scene size), found ${roomSize}` });
      roomSize = undefined;
    }
    const roomCenter = r.coordinates(s.room_center, 3, `${name}.room_center`) as Vec3 | undefined;
    const bboxes = r.object(s.object_bbox, `${name}.object_bbox`);
    const counts = s.object_counts === undefined ? undefined : r.object(s.object_counts, `${name}.object_counts`);
    const boxes: RawBox[] = [];
    const warnings: string[] = [];
    const listed = Object.values(bboxes ?? {}).reduce((n: number, list) => n + (Array.isArray(list) ? list.length : 0), 0);
    if (listed > MAX_VSI_OBJECTS_PER_SCENE) {
      r.problems.push({
        file,
        field: `${name}.object_bbox`,
        message: `expected at most ${MAX_VSI_OBJECTS_PER_SCENE} boxes per scene (MAX_VSI_OBJECTS_PER_SCENE, the importer's bound on objects per scene), found ${listed}`,
      });
      continue;
    }
    for (const [label, list] of Object.entries(bboxes ?? {})) {
      const arr = r.array(list, `${name}.object_bbox.${label}`);
      if (!arr) continue;
      arr.forEach((b, i) => {
        const f = `${name}.object_bbox.${label}[${i}]`;
        const o = r.object(b, f);
        if (!o) return;
        const centroid = r.coordinates(o.centroid, 3, `${f}.centroid`) as Vec3 | undefined;
        const lengths = r.numbers(o.axesLengths, 3, `${f}.axesLengths`) as Vec3 | undefined;
        const axes9 = r.numbers(o.normalizedAxes, 9, `${f}.normalizedAxes`);
        const min = r.coordinates(o.min, 3, `${f}.min`) as Vec3 | undefined;
        const max = r.coordinates(o.max, 3, `${f}.max`) as Vec3 | undefined;
        lengths?.forEach((len, k) => {
          if (!(len > 0)) r.problems.push({ file, field: `${f}.axesLengths[${k}]`, message: `expected a positive length in metres, found ${len}` });
          else if (len > MAX_LENGTH_M) r.problems.push({ file, field: `${f}.axesLengths[${k}]`, message: `expected a length up to ${MAX_LENGTH_M} m (the importers' bound on scene size), found ${len}` });
        });
        if (!centroid || !lengths || !axes9 || !min || !max) return;
        const axes: [Vec3, Vec3, Vec3] = [
          [axes9[0]!, axes9[1]!, axes9[2]!],
          [axes9[3]!, axes9[4]!, axes9[5]!],
          [axes9[6]!, axes9[7]!, axes9[8]!],
        ];
        const axisProblem = orthonormalityProblem(axes);
        if (axisProblem) {
          r.problems.push({ file, field: `${f}.normalizedAxes`, message: axisProblem });
          return;
        }
        boxes.push({ label, centroid, axesLengths: lengths, axes, min, max });
      });
      const declared = counts && Object.hasOwn(counts, label) ? counts[label] : undefined;
      if (typeof declared === 'number' && declared !== arr.length) {
        warnings.push(`object_counts says ${label}: ${declared} but object_bbox lists ${arr.length} boxes; the boxes are used`);
      }
    }
    for (const label of Object.keys(counts ?? {})) {
      if (!Object.hasOwn(bboxes ?? {}, label)) warnings.push(`object_counts lists ${label} but object_bbox has no boxes for it; ignored`);
    }
    if (dataset !== undefined && roomSize !== undefined && roomCenter !== undefined && bboxes) {
      scenes.push({ name, dataset, roomSize, roomCenter, boxes, warnings });
    }
  }
  r.throwIfAny();
  return scenes;
}

function orthonormalityProblem(axes: [Vec3, Vec3, Vec3]): string | undefined {
  for (let i = 0; i < 3; i++) {
    const n = Math.sqrt(dot(axes[i]!, axes[i]!));
    if (Math.abs(n - 1) > 1e-3) return `expected three unit axes, axis ${i} has length ${n.toFixed(4)}`;
    for (let j = i + 1; j < 3; j++) {
      const d = dot(axes[i]!, axes[j]!);
      if (Math.abs(d) > 1e-3) return `expected mutually orthogonal axes, axes ${i} and ${j} have dot product ${d.toFixed(4)}`;
    }
  }
  return undefined;
}

function toObject(box: RawBox, id: number, transform: Mat4): { object: SceneObject; flipped: boolean } {
  const r = mat4Rotation(transform);
  const [a0, a1] = box.axes;
  // A left-handed axis set describes the same box; flip the third axis so the rotation is proper.
  let a2 = box.axes[2];
  const flipped = dot(cross(a0, a1), a2) < 0;
  if (flipped) a2 = [-a2[0], -a2[1], -a2[2]];
  const local: Mat3 = [a0[0], a1[0], a2[0], a0[1], a1[1], a2[1], a0[2], a1[2], a2[2]];
  return {
    object: {
      id,
      label: normalizeLabel(box.label),
      rawLabel: box.label,
      box: { center: mat4TransformPoint(transform, box.centroid), extents: [...box.axesLengths], rotation: mat3Mul(r, local) },
    },
    flipped,
  };
}

/** Imports every scene of one meta_info file into canonical scenes. Throws InputError listing all problems. */
const sceneIdOf = (name: string): string => `vsibench:${name}`;

export function importVsiMetaInfo(file: string, options: VsiImportOptions = {}): VsiImportResult {
  const raw = readRawScenes(readJsonFile(file), file, options.only);
  const evidence = options.upAxis
    ? ({ axis: options.upAxis, forced: true } as const)
    : detectUpAxis(raw.map((s) => s.boxes.map((b): AxisBox => ({ min: b.min, max: b.max, axes: b.axes }))));
  if (!('forced' in evidence) && evidence.margin < 1.3) {
    throw new InputError({
      file,
      message: `cannot tell which axis is up (${describeEvidence(evidence)}); pass the up axis explicitly`,
    });
  }
  const transform = upAxisToZTransform(evidence.axis);
  const baseSeed = options.seed ?? 0;
  const scenes = (options.keep ? raw.filter((s) => options.keep!(sceneIdOf(s.name))) : raw).map((s) => {
    const warnings = [...s.warnings];
    let flips = 0;
    const objects = s.boxes.map((b, i) => {
      const { object, flipped } = toObject(b, i, transform);
      if (flipped) flips++;
      return object;
    });
    if (flips) warnings.push(`${flips} boxes had a left-handed axis set; their third axis was negated (same box)`);
    const center = mat4TransformPoint(transform, s.roomCenter);
    const synthesised: SynthesisedPart[] = ['roomBounds'];
    const estimate = estimateRoomBounds(objects, s.roomSize, center);
    const room = { area: s.roomSize, center, bounds: estimate.bounds, floorZ: estimate.floorZ, height: estimate.height, floorPolygon: estimate.floorPolygon };
    if (estimate.enlargement > 1.1) {
      warnings.push(`the estimated floor rectangle was enlarged ×${estimate.enlargement.toFixed(2)} to contain every object: ${estimate.area.toFixed(1)} m² vs room_size ${s.roomSize.toFixed(1)} m² (room.area keeps room_size)`);
    }
    const seed = hashSeed(baseSeed, s.name);
    const seeds: Record<string, number> = {};
    const scene: Scene = {
      id: sceneIdOf(s.name),
      dataset: s.dataset,
      objects,
      room,
      provenance: {
        source: 'vsibench-meta',
        sourceId: s.name,
        files: [file],
        conversion: {
          upAxis: evidence.axis,
          units: 'm',
          transform: evidence.axis === '+z' ? IDENTITY4 : transform,
          notes: ['forced' in evidence ? `up axis ${evidence.axis} given by the caller` : describeEvidence(evidence)],
        },
        synthesised,
        seeds,
        warnings,
      },
    };
    if (options.synthesizePoints !== false) {
      seeds.pointCloud = hashSeed(seed, 'points');
      scene.points = synthesizePointCloud({ objects, room }, { seed: seeds.pointCloud });
      synthesised.push('pointCloud');
    }
    if (options.synthesizeTrajectory !== false) {
      seeds.trajectory = hashSeed(seed, 'trajectory');
      const plan = planTrajectory({ objects, room }, { seed: seeds.trajectory, ...(options.frames ? { frames: options.frames } : {}) });
      scene.trajectory = plan.frames;
      warnings.push(...plan.warnings.map((w) => `synthesised walkthrough: ${w}`));
      synthesised.push('trajectory');
    }
    try {
      return assertValidScene(scene, file);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(e.problems.map((p): InputProblem => ({ ...p, file })));
      throw e;
    }
  });
  return { scenes, upAxis: evidence, file };
}
