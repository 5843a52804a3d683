/**
 * The built-in scene source: seeded procedural furnished rooms, so the loop runs with no dataset at hand and
 * can make as many scenes as it wants. Each scene is a room kind (living room, bedroom, office, kitchen,
 * classroom, meeting room, bathroom) on a rectangular or L-shaped floor, furnished by that kind's programme
 * with repeated instances (chairs around tables, several plants) and grouped objects (nightstands beside the
 * bed), plus a point cloud sampled from the boxes and a walkthrough.
 *
 * Provenance: `synthesised` is empty. That list marks parts a real source lacked and we made up, so nobody
 * mistakes them for measurements; here nothing is a measurement, everything comes from one generator and is
 * mutually consistent by construction, and `conversion.notes` says "procedurally generated".
 */
import type { Rng } from '../../shared/random.js';
import { createRng } from '../../shared/random.js';
import type { Room, Scene, SceneObject } from '../../shared/scene.js';
import { IDENTITY4 } from '../../shared/scene.js';
import { normalizeLabel } from '../scene/labels.js';
import { rotationZ } from '../scene/math.js';
import { assertValidScene } from '../scene/validate.js';
import { Placer } from '../scene/synthesis/placement.js';
import { synthesizePointCloud } from '../scene/synthesis/pointCloud.js';
import { polygonArea, polygonBounds, polygonCentroid } from '../scene/synthesis/polygon.js';
import type { RoomKind } from '../scene/synthesis/roomKinds.js';
import { ROOM_KINDS, ROOM_KIND_NAMES } from '../scene/synthesis/roomKinds.js';
import { sampleRoomShape } from '../scene/synthesis/roomShapes.js';
import { planTrajectory } from '../scene/synthesis/trajectory.js';

export interface SyntheticSceneOptions {
  seed: number;
  /** Position in a batch; scene `index` of seed s is the same whether made alone or in a batch. */
  index?: number;
  /** Force a room kind instead of drawing one. */
  kind?: RoomKind;
  /** Force the floor area (m²); the polygon's area is this up to centimetre rounding of its sides. */
  area?: number;
  /** Probability of an L-shaped floor, overriding the room kind's. */
  lShapeProbability?: number;
  /** Sample a point cloud (default true). */
  points?: boolean;
  pointsPerSquareMetre?: number;
  maxPoints?: number;
  /** Synthesise a walkthrough (default true). */
  trajectory?: boolean;
  frames?: number;
}

const DATASET = 'synthetic';

function pickKind(rng: Rng): RoomKind {
  const total = ROOM_KIND_NAMES.reduce((s, k) => s + ROOM_KINDS[k].weight, 0);
  let r = rng.range(0, total);
  for (const k of ROOM_KIND_NAMES) {
    r -= ROOM_KINDS[k].weight;
    if (r < 0) return k;
  }
  return ROOM_KIND_NAMES[ROOM_KIND_NAMES.length - 1]!;
}

/** The seed stream of scene `index` of a batch made with `seed`. */
function sceneRng(seed: number, index: number): Rng {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a non-negative integer, got ${index}`);
  return createRng(seed).fork(`scene-${index}`);
}

export function generateSyntheticScene(options: SyntheticSceneOptions): Scene {
  const index = options.index ?? 0;
  return buildScene(sceneRng(options.seed, index), options, index);
}

/** `count` scenes from one seed, each on its own sub-seed (rng.fork), identical to making them one by one. */
export function generateSyntheticScenes(count: number, seed: number, options: Omit<SyntheticSceneOptions, 'seed' | 'index'> = {}): Scene[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const root = createRng(seed);
  const scenes: Scene[] = [];
  for (let i = 0; i < count; i++) scenes.push(buildScene(root.fork(`scene-${i}`), { ...options, seed }, i));
  return scenes;
}

function buildScene(rng: Rng, options: SyntheticSceneOptions, index: number): Scene {
  const layoutRng = rng.fork('layout');
  const kind = options.kind ?? pickKind(layoutRng);
  const spec = ROOM_KINDS[kind];
  const area = options.area ?? Math.round(layoutRng.range(spec.area[0], spec.area[1]) * 10) / 10;
  if (!(area > 0)) throw new RangeError(`area must be positive, got ${area}`);
  const shape = sampleRoomShape(layoutRng, area, options.lShapeProbability ?? spec.lShapeProbability);
  const height = Math.round(layoutRng.range(2.5, 3.0) * 100) / 100;

  const placer = new Placer(shape.polygon, height, layoutRng.fork('furniture'));
  spec.furnish(placer);

  const objects: SceneObject[] = placer.objects.map((o, id) => ({
    id,
    label: normalizeLabel(o.rawLabel),
    rawLabel: o.rawLabel,
    box: { center: [...o.center], extents: [...o.extents], rotation: rotationZ(o.yaw) },
  }));
  const b = polygonBounds(shape.polygon);
  const c = polygonCentroid(shape.polygon);
  const room: Room = {
    area: polygonArea(shape.polygon),
    center: [c[0], c[1], height / 2],
    bounds: { min: [b.min[0], b.min[1], 0], max: [b.max[0], b.max[1], height] },
    floorPolygon: shape.polygon.map((p): [number, number] => [p[0], p[1]]),
    floorZ: 0,
    height,
  };

  const sourceId = `${DATASET}-${options.seed}-${index}`;
  const seeds: Record<string, number> = { scene: rng.seed, layout: layoutRng.seed };
  const warnings: string[] = [];
  const scene: Scene = {
    id: `synthetic:${sourceId}`,
    dataset: DATASET,
    objects,
    room,
    provenance: {
      source: 'synthetic',
      sourceId,
      files: [],
      conversion: {
        upAxis: '+z',
        units: 'm',
        transform: IDENTITY4,
        notes: [
          `procedurally generated: ${kind}, ${shape.kind}, ${room.area.toFixed(2)} m², ${height.toFixed(2)} m high, ` +
            `${objects.length} objects; point cloud and walkthrough derived from the generated boxes`,
        ],
      },
      synthesised: [],
      seeds,
      warnings,
    },
  };
  if (options.points !== false) {
    const pointRng = rng.fork('pointCloud');
    seeds.pointCloud = pointRng.seed;
    scene.points = synthesizePointCloud(
      { objects, room },
      {
        seed: pointRng.seed,
        ...(options.pointsPerSquareMetre !== undefined ? { pointsPerSquareMetre: options.pointsPerSquareMetre } : {}),
        ...(options.maxPoints !== undefined ? { maxPoints: options.maxPoints } : {}),
      },
    );
  }
  if (options.trajectory !== false) {
    const trajRng = rng.fork('trajectory');
    seeds.trajectory = trajRng.seed;
    const plan = planTrajectory({ objects, room }, { seed: trajRng.seed, ...(options.frames !== undefined ? { frames: options.frames } : {}) });
    scene.trajectory = plan.frames;
    warnings.push(...plan.warnings);
  }
  return assertValidScene(scene);
}
