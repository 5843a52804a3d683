/**
 * The 3D scene: point cloud, instanced oriented boxes with a few labels, room outline, and the camera
 * trajectory with instanced frustums (the current frame's highlighted). Z up; rendered on demand: every
 * change calls invalidate(), nothing runs per frame except drei's label projection.
 */
import { OrbitControls } from '@react-three/drei';
import { Canvas, useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { BoxGeometry, BufferAttribute, BufferGeometry, Color, InstancedMesh, LineBasicMaterial, Mesh, MeshBasicMaterial, SRGBColorSpace, Vector3, type PerspectiveCamera } from 'three';
import type { ObjectConfidence, PointCloudData, SceneDetail } from '../../../../shared/api.js';
import type { CameraFrame, OrientedBox, Vec3 } from '../../../../shared/scene.js';
import type { ColorMode } from '../../lib/colorMode.js';
import { idColor } from '../../lib/colorScale.js';
import {
  BOX_EDGES,
  boxEdgePositions,
  boxMatrices,
  cameraCenters,
  floorLevel,
  frustumGeometryPositions,
  frustumMatrices,
  frustumMatrix,
  labelAnchor,
  overviewCamera,
  pickLabels,
  polylineSegments,
  roomOutline,
  sceneBounds,
} from './geometry.js';
import type { QuestionRole } from '../../lib/questionRoles.js';
import { CANDIDATE_COLOR, HIGHLIGHT_COLOR, QUESTION_MEASURE_COLOR, REFERENCE_COLOR, SELECTED_COLOR } from './colors.js';
import { labelLayout, placeLabels } from './labels.js';
import { MOVING_POINT_BUDGET } from './lod.js';
import { distance } from './measure.js';
import { PointCloud } from './PointCloud.js';
import { markSegments, type QuestionMarks } from './questionMarks.js';
import { assignObjectIds, fillColors, zRange } from './pointColors.js';
import { formatMetres } from './scaleBar.js';
import { FloorGrid, Measurement, PointPicker, ScaleBarUpdater, WorldAxes } from './ViewerAids.js';

const CURRENT_FRAME_COLOR = '#ffd60a';
const FRAME_COLOR = '#5b7fa6';

type Objects = SceneDetail['objects'];

export interface SceneCanvasProps {
  detail: SceneDetail;
  points: PointCloudData | null;
  colorMode: ColorMode;
  highlight: readonly number[];
  selected: number | null;
  objectConfidence: Map<number, ObjectConfidence> | null;
  frame: number;
  pointSize: number;
  showBoxes: boolean;
  showLabels: boolean;
  showTrajectory: boolean;
  showGrid: boolean;
  showAxes: boolean;
  /** Draw a subsample while the camera moves (lod.ts › MOVING_POINT_BUDGET). */
  reduceWhileMoving: boolean;
  maxLabels: number;
  onSelectObject(id: number | null): void;
  /** Question context: each named object's role (others are dimmed), and what the question's program measures. */
  roles?: ReadonlyMap<number, QuestionRole> | null;
  marks?: QuestionMarks | null;
  /** What the camera frames instead of the whole scene (a question's objects and measure); Fit view returns to it. */
  focus?: { boxes: readonly OrientedBox[]; points: readonly Vec3[] } | null;
}

/** Puts the camera at the overview; again whenever `fitKey` changes (the Fit view button). */
function FitCamera({ position, target, near, far, fitKey }: { position: readonly number[]; target: readonly number[]; near: number; far: number; fitKey: number }): null {
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const controls = useThree((s) => s.controls) as unknown as { target: { set(x: number, y: number, z: number): void }; update(): void } | null;
  const invalidate = useThree((s) => s.invalidate);
  useLayoutEffect(() => {
    camera.up.set(0, 0, 1);
    camera.position.set(position[0]!, position[1]!, position[2]!);
    camera.near = near;
    camera.far = far;
    camera.updateProjectionMatrix();
    if (controls) {
      controls.target.set(target[0]!, target[1]!, target[2]!);
      controls.update();
    } else {
      camera.lookAt(target[0]!, target[1]!, target[2]!);
    }
    invalidate();
  }, [camera, controls, position, target, near, far, fitKey, invalidate]);
  return null;
}

function Cloud(props: {
  points: PointCloudData;
  objects: Objects;
  colorMode: ColorMode;
  highlight: readonly number[];
  confidence: Map<number, ObjectConfidence> | null;
  size: number;
  reduceWhileMoving: boolean;
}): React.JSX.Element {
  const { points, objects, colorMode, highlight, confidence, size, reduceWhileMoving } = props;
  const needIds = colorMode === 'object' || colorMode === 'confidence' || highlight.length > 0;
  const objectIds = useMemo(
    () => (points.objectIds ?? (needIds ? assignObjectIds(points.positions, points.count, objects) : null)),
    [points, objects, needIds],
  );
  const colors = useMemo(() => new Uint8Array(points.count * 3), [points]);
  const heights = useMemo(() => zRange(points.positions, points.count), [points]);
  const means = useMemo(() => (confidence ? new Map([...confidence].map(([id, c]) => [id, c.mean])) : undefined), [confidence]);
  const highlightKey = highlight.join(',');
  const [version, setVersion] = useState(0);
  useLayoutEffect(() => {
    const hl = new Set(highlightKey ? highlightKey.split(',').map(Number) : []);
    fillColors(colorMode, { count: points.count, positions: points.positions, colors: points.colors, objectIds }, { zRange: heights, ...(means ? { objectConfidence: means } : {}), highlight: hl }, colors);
    setVersion((v) => v + 1);
  }, [colorMode, points, objectIds, heights, means, highlightKey, colors]);
  return (
    <PointCloud
      positions={points.positions}
      colors={colors}
      count={points.count}
      colorsVersion={version}
      size={size}
      movingBudget={MOVING_POINT_BUDGET}
      reduceWhileMoving={reduceWhileMoving}
    />
  );
}

function Boxes(props: { objects: Objects; highlight: ReadonlySet<number>; selected: number | null; roles: ReadonlyMap<number, QuestionRole> | null; onSelect(id: number | null): void }): React.JSX.Element | null {
  const { objects, highlight, selected, roles, onSelect } = props;
  const invalidate = useThree((s) => s.invalidate);
  const n = objects.length;
  const meshRef = useRef<InstancedMesh>(null);
  const boxGeometry = useMemo(() => new BoxGeometry(1, 1, 1), []);
  const fill = useMemo(() => new MeshBasicMaterial({ transparent: true, opacity: 0.1, depthWrite: false }), []);
  const edgeMaterial = useMemo(() => new LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.95 }), []);
  const edges = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(boxEdgePositions(objects.map((o) => o.box)), 3));
    g.setAttribute('color', new BufferAttribute(new Float32Array(n * BOX_EDGES.length * 2 * 3), 3));
    return g;
  }, [objects, n]);
  useEffect(() => () => edges.dispose(), [edges]);
  useEffect(
    () => () => {
      boxGeometry.dispose();
      fill.dispose();
      edgeMaterial.dispose();
    },
    [boxGeometry, fill, edgeMaterial],
  );

  useLayoutEffect(() => {
    const mesh = meshRef.current;
    if (!mesh) return;
    mesh.instanceMatrix.array.set(boxMatrices(objects.map((o) => o.box)));
    mesh.instanceMatrix.needsUpdate = true;
    mesh.computeBoundingSphere();
    invalidate();
  }, [objects, invalidate]);

  useLayoutEffect(() => {
    const mesh = meshRef.current;
    const colorAttr = edges.getAttribute('color') as BufferAttribute;
    const arr = colorAttr.array as Float32Array;
    const c = new Color();
    const any = highlight.size > 0 || (roles !== null && roles.size > 0);
    objects.forEach((o, i) => {
      const role = roles?.get(o.id);
      if (o.id === selected) c.set(SELECTED_COLOR);
      else if (role === 'reference') c.set(REFERENCE_COLOR);
      else if (role === 'candidate') c.set(CANDIDATE_COLOR);
      else if (highlight.has(o.id) && !roles) c.set(HIGHLIGHT_COLOR);
      else {
        const [r, g, b] = idColor(o.id);
        // A question's context dims the rest further: its objects are what the eye should find.
        const k = roles ? 0.22 : any ? 0.35 : 0.85;
        // idColor is sRGB, as the object colouring of the points: the same bytes must give the same colour.
        c.setRGB((r / 255) * k, (g / 255) * k, (b / 255) * k, SRGBColorSpace);
      }
      mesh?.setColorAt(i, c);
      for (let v = 0; v < BOX_EDGES.length * 2; v++) {
        const o3 = (i * BOX_EDGES.length * 2 + v) * 3;
        arr[o3] = c.r;
        arr[o3 + 1] = c.g;
        arr[o3 + 2] = c.b;
      }
    });
    if (mesh?.instanceColor) mesh.instanceColor.needsUpdate = true;
    colorAttr.needsUpdate = true;
    invalidate();
  }, [objects, highlight, selected, roles, edges, invalidate]);

  if (n === 0) return null;
  return (
    <>
      <instancedMesh
        key={n}
        ref={meshRef}
        args={[boxGeometry, fill, n]}
        onClick={(e: ThreeEvent<MouseEvent>) => {
          e.stopPropagation();
          const o = e.instanceId !== undefined ? objects[e.instanceId] : undefined;
          if (o) onSelect(o.id);
        }}
      />
      <lineSegments geometry={edges} material={edgeMaterial} />
    </>
  );
}

/** One DOM label over the canvas, anchored at a world point; earlier labels win where they would overlap. */
interface LabelSpec {
  key: string;
  anchor: readonly [number, number, number];
  text: string;
  className: string;
  /** Question context: the object's role, or what a measure label measures (read by tests and styles). */
  role?: string;
  /** The measured value in full precision (a label shows it rounded). */
  value?: string;
}

/**
 * Labels as plain DOM over the canvas: each rendered frame projects the anchors, lays the labels out so none
 * overlaps another (labels.ts: nudged up or down, else hidden, in priority order) and moves the elements. No
 * React render per frame; scratch arrays sized once per label set; label sizes read once per label set.
 */
function LabelProjector({ labels, refs }: { labels: readonly LabelSpec[]; refs: React.RefObject<(HTMLDivElement | null)[]> }): null {
  const invalidate = useThree((s) => s.invalidate);
  const v = useMemo(() => new Vector3(), []);
  const scratch = useMemo(() => {
    const n = labels.length;
    return { n, ax: new Float32Array(n), ay: new Float32Array(n), w: new Float32Array(n), h: new Float32Array(n), layout: labelLayout(n), measured: false, lastX: new Float32Array(n).fill(NaN), lastY: new Float32Array(n).fill(NaN), lastShown: new Uint8Array(n) };
  }, [labels]);
  useEffect(() => invalidate(), [labels, invalidate]);
  useFrame(({ camera, size }) => {
    const els = refs.current;
    const { n, ax, ay, w, h, layout, lastX, lastY, lastShown } = scratch;
    if (!scratch.measured) {
      for (let i = 0; i < n; i++) {
        w[i] = els[i]?.offsetWidth ?? 0;
        h[i] = els[i]?.offsetHeight ?? 0;
      }
      scratch.measured = true;
    }
    for (let i = 0; i < n; i++) {
      const a = labels[i]!.anchor;
      v.set(a[0], a[1], a[2]).project(camera);
      const onScreen = v.z <= 1 && v.z >= -1 && els[i];
      ax[i] = onScreen ? ((v.x + 1) / 2) * size.width : NaN;
      ay[i] = onScreen ? ((1 - v.y) / 2) * size.height : NaN;
    }
    placeLabels(n, ax, ay, w, h, 'center-above', layout, size.height);
    for (let i = 0; i < n; i++) {
      const el = els[i];
      if (!el) continue;
      const shown = layout.shown[i]!;
      if (shown !== lastShown[i]) {
        el.style.visibility = shown ? 'visible' : 'hidden';
        lastShown[i] = shown;
      }
      if (shown && (layout.x[i] !== lastX[i] || layout.y[i] !== lastY[i])) {
        el.style.transform = `translate(${layout.x[i]}px, ${layout.y[i]}px)`;
        lastX[i] = layout.x[i]!;
        lastY[i] = layout.y[i]!;
      }
    }
  });
  return null;
}

function RoomOutline({ detail, floorZ }: { detail: SceneDetail; floorZ: number }): React.JSX.Element | null {
  const geometry = useMemo(() => {
    const loop = roomOutline(detail.room, floorZ);
    if (!loop) return null;
    const segs = polylineSegments(loop, true);
    const h = detail.room.height;
    let all = segs;
    if (h !== undefined && h > 0) {
      const top = loop.slice();
      for (let i = 2; i < top.length; i += 3) top[i] = floorZ + h;
      const topSegs = polylineSegments(top, true);
      all = new Float32Array(segs.length + topSegs.length);
      all.set(segs);
      all.set(topSegs, segs.length);
    }
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(all, 3));
    return g;
  }, [detail, floorZ]);
  const material = useMemo(() => new LineBasicMaterial({ color: '#8ecae6' }), []);
  useEffect(() => () => geometry?.dispose(), [geometry]);
  useEffect(() => () => material.dispose(), [material]);
  if (!geometry) return null;
  return <lineSegments geometry={geometry} material={material} />;
}

function Trajectory({ frames, current, depth }: { frames: readonly CameraFrame[]; current: number; depth: number }): React.JSX.Element | null {
  const invalidate = useThree((s) => s.invalidate);
  const meshRef = useRef<InstancedMesh>(null);
  const currentRef = useRef<Mesh>(null);
  const prev = useRef<number | null>(null);
  const scratch = useMemo(() => new Float32Array(16), []);
  const frustum = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(frustumGeometryPositions(), 3));
    return g;
  }, []);
  const material = useMemo(() => new MeshBasicMaterial({ wireframe: true, transparent: true, opacity: 0.7 }), []);
  const currentMaterial = useMemo(() => new MeshBasicMaterial({ wireframe: true, color: CURRENT_FRAME_COLOR }), []);
  const pathMaterial = useMemo(() => new LineBasicMaterial({ color: '#e9c46a' }), []);
  const path = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(polylineSegments(cameraCenters(frames)), 3));
    return g;
  }, [frames]);
  const colors = useMemo(() => ({ base: new Color(FRAME_COLOR), current: new Color(CURRENT_FRAME_COLOR) }), []);
  useEffect(() => () => path.dispose(), [path]);
  useEffect(
    () => () => {
      frustum.dispose();
      material.dispose();
      currentMaterial.dispose();
      pathMaterial.dispose();
    },
    [frustum, material, currentMaterial, pathMaterial],
  );

  useLayoutEffect(() => {
    const mesh = meshRef.current;
    if (!mesh) return;
    mesh.instanceMatrix.array.set(frustumMatrices(frames, depth));
    mesh.instanceMatrix.needsUpdate = true;
    for (let i = 0; i < frames.length; i++) mesh.setColorAt(i, colors.base);
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
    prev.current = null;
    invalidate();
  }, [frames, depth, colors, invalidate]);

  useLayoutEffect(() => {
    const mesh = meshRef.current;
    if (!mesh || frames.length === 0) return;
    const i = Math.max(0, Math.min(frames.length - 1, current));
    if (prev.current !== null && prev.current < frames.length) mesh.setColorAt(prev.current, colors.base);
    mesh.setColorAt(i, colors.current);
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    prev.current = i;
    const cur = currentRef.current;
    if (cur) {
      frustumMatrix(frames[i]!, depth * 1.6, scratch);
      cur.matrix.fromArray(scratch);
      cur.matrixWorldNeedsUpdate = true;
    }
    invalidate();
  }, [current, frames, depth, colors, scratch, invalidate]);

  if (frames.length === 0) return null;
  return (
    <>
      <lineSegments geometry={path} material={pathMaterial} />
      <instancedMesh key={frames.length} ref={meshRef} args={[frustum, material, frames.length]} frustumCulled={false} />
      <mesh ref={currentRef} geometry={frustum} material={currentMaterial} matrixAutoUpdate={false} frustumCulled={false} />
    </>
  );
}

const MARK_COLORS = {
  distance: new Color(QUESTION_MEASURE_COLOR),
  facing: new Color(REFERENCE_COLOR),
  target: new Color(CANDIDATE_COLOR),
} as const;

/**
 * The question's measure: distance segments and direction arrows, one line-segment draw built when the question
 * changes (nothing per frame), over everything else so a segment inside a box stays visible.
 */
function QuestionMarkLines({ marks }: { marks: QuestionMarks }): React.JSX.Element | null {
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => {
    const { positions, colors } = markSegments(marks, (kind) => {
      const c = MARK_COLORS[kind];
      return [c.r, c.g, c.b];
    });
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(positions, 3));
    g.setAttribute('color', new BufferAttribute(colors, 3));
    return g;
  }, [marks]);
  const material = useMemo(() => new LineBasicMaterial({ vertexColors: true, depthTest: false, transparent: true }), []);
  useEffect(() => {
    invalidate();
    return () => geometry.dispose();
  }, [geometry, invalidate]);
  useEffect(() => () => material.dispose(), [material]);
  if ((geometry.getAttribute('position') as BufferAttribute).count === 0) return null;
  return <lineSegments geometry={geometry} material={material} renderOrder={11} frustumCulled={false} />;
}

const AXIS_LABELS: readonly LabelSpec[] = [
  { key: 'axis-x', anchor: [1.08, 0, 0], text: 'x', className: 'scene-label axis axis-x' },
  { key: 'axis-y', anchor: [0, 1.08, 0], text: 'y', className: 'scene-label axis axis-y' },
  { key: 'axis-z', anchor: [0, 0, 1.08], text: 'z', className: 'scene-label axis axis-z' },
];

export function SceneCanvas(props: SceneCanvasProps): React.JSX.Element {
  const { detail, points, colorMode, highlight, selected, objectConfidence, frame, pointSize, showBoxes, showLabels, showTrajectory, showGrid, showAxes, reduceWhileMoving, maxLabels, onSelectObject } = props;
  const roles = props.roles ?? null;
  const marks = props.marks ?? null;
  const boxes = useMemo(() => detail.objects.map((o) => o.box), [detail]);
  const bounds = useMemo(() => sceneBounds(detail.room, boxes, detail.trajectory), [detail, boxes]);
  const focus = props.focus ?? null;
  const view = useMemo(() => {
    if (!focus || focus.boxes.length + focus.points.length === 0) return overviewCamera(bounds);
    // Framed close, but never tighter than a metre and a half around it: the room around the objects is context.
    const b = sceneBounds({ area: 0, center: bounds.center }, focus.boxes, [], focus.points);
    const v = overviewCamera({ ...b, radius: Math.max(1.5, b.radius) });
    // Near and far as for the whole scene, so zooming out shows all of it.
    return { ...v, near: Math.min(v.near, overviewCamera(bounds).near), far: Math.max(v.far, overviewCamera(bounds).far) };
  }, [bounds, focus]);
  const floorZ = useMemo(() => floorLevel(detail.room, boxes), [detail, boxes]);
  const highlightSet = useMemo(() => new Set(highlight), [highlight]);
  const labelIds = useMemo(() => (showLabels ? pickLabels(detail.objects, highlightSet, selected, maxLabels) : []), [showLabels, detail, highlightSet, selected, maxLabels]);
  const depth = Math.max(0.12, Math.min(0.45, bounds.radius * 0.05));
  const byId = useMemo(() => new Map(detail.objects.map((o) => [o.id, o])), [detail]);
  const [fitKey, setFitKey] = useState(0);
  const [measuring, setMeasuring] = useState(false);
  const [picks, setPicks] = useState<Vec3[]>([]);
  // Picks are coordinates of the cloud on screen: another scene or budget makes them meaningless.
  useEffect(() => setPicks([]), [points]);
  const onPick = useCallback((p: Vec3) => setPicks((prev) => (prev.length >= 2 ? [p] : [...prev, p])), []);
  const measured = picks.length === 2 ? distance(picks[0]!, picks[1]!) : null;
  const labels = useMemo(() => {
    const out: LabelSpec[] = [];
    if (measured !== null) {
      const [a, b] = picks as [Vec3, Vec3];
      out.push({ key: 'measure', anchor: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2], text: formatMetres(measured), className: 'scene-label measure' });
    }
    // The question's measures first: they are what the question asks.
    marks?.segments.forEach((m, i) => {
      out.push({ key: `question-${i}`, anchor: [(m.from[0] + m.to[0]) / 2, (m.from[1] + m.to[1]) / 2, (m.from[2] + m.to[2]) / 2], text: m.label, className: 'scene-label question-measure', role: 'distance', value: String(m.value) });
    });
    if (marks?.angle) out.push({ key: 'question-angle', anchor: marks.angle.at, text: marks.angle.label, className: 'scene-label question-measure', role: 'angle', value: String(marks.angle.value) });
    for (const id of labelIds) {
      const o = byId.get(id)!;
      const conf = objectConfidence?.get(id);
      const role = roles?.get(id);
      const className = id === selected ? 'scene-label selected' : role ? `scene-label ${role}` : highlightSet.has(id) ? 'scene-label highlighted' : 'scene-label';
      out.push({ key: `object-${id}`, anchor: labelAnchor(o.box), text: `${o.label}${conf ? ` · ${conf.mean.toFixed(2)}` : ''}`, className, ...(role ? { role } : {}) });
    }
    if (showAxes) out.push(...AXIS_LABELS);
    return out;
  }, [measured, picks, marks, labelIds, byId, objectConfidence, selected, roles, highlightSet, showAxes]);
  const labelRefs = useRef<(HTMLDivElement | null)[]>([]);
  const scaleRef = useRef<HTMLDivElement>(null);
  const scaleTextRef = useRef<HTMLSpanElement>(null);
  // While measuring, clicks pick points: they neither select boxes nor clear the selection.
  const select = measuring ? noop : onSelectObject;
  return (
    <div className={measuring ? 'scene-canvas measuring' : 'scene-canvas'} data-testid="scene-canvas">
      {/* flat: no tone mapping. Everything here is unlit and its colours are data or the UI's own (highlight
          colours shared with the frame overlay), which ACES would shift. */}
      {/* Absolutely placed: the canvas takes its box's size and never gives it one. In a box whose height follows
          its content (the replay's grid row) an in-flow canvas grew the row, was resized to it and grew it again,
          a re-render with a new drawing buffer every frame that starved the page (and SwiftShader's screenshots). */}
      <Canvas
        style={{ position: 'absolute', inset: 0 }}
        frameloop="demand"
        flat
        dpr={[1, 2]}
        gl={{ antialias: true, powerPreference: 'high-performance' }}
        camera={{ up: [0, 0, 1], fov: 50, near: view.near, far: view.far, position: view.position }}
        onPointerMissed={() => select(null)}
      >
        <color attach="background" args={['#0f1115']} />
        {showGrid && <FloorGrid bounds={bounds} floorZ={floorZ} />}
        {showAxes && <WorldAxes />}
        {points && points.count > 0 && (
          <Cloud points={points} objects={detail.objects} colorMode={colorMode} highlight={highlight} confidence={objectConfidence} size={pointSize} reduceWhileMoving={reduceWhileMoving} />
        )}
        {showBoxes && <Boxes objects={detail.objects} highlight={highlightSet} selected={selected} roles={roles} onSelect={select} />}
        {marks && <QuestionMarkLines marks={marks} />}
        {labels.length > 0 && <LabelProjector labels={labels} refs={labelRefs} />}
        <RoomOutline detail={detail} floorZ={floorZ} />
        {showTrajectory && <Trajectory frames={detail.trajectory} current={frame} depth={depth} />}
        {measuring && points && points.count > 0 && <PointPicker positions={points.positions} count={points.count} onPick={onPick} />}
        <Measurement picks={picks} />
        <OrbitControls makeDefault enableDamping={false} />
        <FitCamera position={view.position} target={view.target} near={view.near} far={view.far} fitKey={fitKey} />
        <ScaleBarUpdater bar={scaleRef} text={scaleTextRef} />
      </Canvas>
      <div className="scene-labels" aria-hidden="true">
        {labels.map((l, i) => (
          <div
            key={l.key}
            className={l.className}
            data-label={l.key}
            data-role={l.role}
            data-value={l.value}
            ref={(el) => {
              labelRefs.current[i] = el;
            }}
          >
            {l.text}
          </div>
        ))}
      </div>
      <div className="scene-tools">
        <button type="button" onClick={() => setFitKey((k) => k + 1)} title="Back to the overview of the whole scene" data-testid="fit-view">
          Fit view
        </button>
        <button
          type="button"
          aria-pressed={measuring}
          className={measuring ? 'active' : ''}
          onClick={() => {
            setMeasuring((m) => !m);
            setPicks([]);
          }}
          title="Click two points of the cloud to measure the distance between them"
          data-testid="measure"
        >
          Measure
        </button>
        {measuring && (
          <span
            className="measure-readout"
            data-testid="measure-readout"
            data-picks={picks.length}
            data-a={picks[0] ? JSON.stringify(picks[0]) : undefined}
            data-b={picks[1] ? JSON.stringify(picks[1]) : undefined}
          >
            {picks.length === 0 ? 'click a point' : picks.length === 1 ? 'click a second point' : measureText(picks[0]!, picks[1]!)}
          </span>
        )}
      </div>
      <div className="scene-scale" title="Length at the orbit centre’s distance; the axes at the origin are 1 m long (x red, y green, z blue)" data-testid="scale-bar">
        <div className="scale-bar" ref={scaleRef} />
        <span ref={scaleTextRef} />
      </div>
    </div>
  );
}

function noop(): void {}

/** "1.23 m (Δx 0.40, Δy −1.10, Δz 0.35)": the distance and its components, for reading off sizes along axes. */
function measureText(a: Vec3, b: Vec3): string {
  const d = (i: number): string => (b[i]! - a[i]!).toFixed(2).replace('-', '−');
  return `${formatMetres(distance(a, b))} (Δx ${d(0)}, Δy ${d(1)}, Δz ${d(2)})`;
}
