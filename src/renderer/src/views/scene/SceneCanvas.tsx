/**
 * The 3D scene: point cloud, instanced oriented boxes with a few labels, room outline, and the camera
 * trajectory with instanced frustums (the current frame's highlighted). Z up; rendered on demand: every
 * change calls invalidate(), nothing runs per frame except drei's label projection.
 */
import { OrbitControls } from '@react-three/drei';
import { Canvas, useFrame, useThree, type ThreeEvent } from '@react-three/fiber';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { BoxGeometry, BufferAttribute, BufferGeometry, Color, InstancedMesh, LineBasicMaterial, Mesh, MeshBasicMaterial, SRGBColorSpace, Vector3, type PerspectiveCamera } from 'three';
import type { ObjectConfidence, PointCloudData, SceneDetail } from '../../../../shared/api.js';
import type { CameraFrame } from '../../../../shared/scene.js';
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
import { HIGHLIGHT_COLOR, SELECTED_COLOR } from './colors.js';
import { PointCloud } from './PointCloud.js';
import { assignObjectIds, fillColors, zRange } from './pointColors.js';

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
  maxLabels: number;
  onSelectObject(id: number | null): void;
}

function FitCamera({ position, target, near, far }: { position: readonly number[]; target: readonly number[]; near: number; far: number }): null {
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
  }, [camera, controls, position, target, near, far, invalidate]);
  return null;
}

function Cloud(props: { points: PointCloudData; objects: Objects; colorMode: ColorMode; highlight: readonly number[]; confidence: Map<number, ObjectConfidence> | null; size: number }): React.JSX.Element {
  const { points, objects, colorMode, highlight, confidence, size } = props;
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
  return <PointCloud positions={points.positions} colors={colors} count={points.count} colorsVersion={version} size={size} />;
}

function Boxes(props: { objects: Objects; highlight: ReadonlySet<number>; selected: number | null; onSelect(id: number | null): void }): React.JSX.Element | null {
  const { objects, highlight, selected, onSelect } = props;
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
    const any = highlight.size > 0;
    objects.forEach((o, i) => {
      if (o.id === selected) c.set(SELECTED_COLOR);
      else if (highlight.has(o.id)) c.set(HIGHLIGHT_COLOR);
      else {
        const [r, g, b] = idColor(o.id);
        const k = any ? 0.35 : 0.85;
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
  }, [objects, highlight, selected, edges, invalidate]);

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

/**
 * Object labels as plain DOM over the canvas: each rendered frame projects the anchors and moves the label
 * elements (no React re-render, one scratch vector). Cheaper and sturdier than a React root per label.
 */
function LabelProjector({ anchors, refs }: { anchors: Float32Array; refs: React.RefObject<(HTMLDivElement | null)[]> }): null {
  const invalidate = useThree((s) => s.invalidate);
  const v = useMemo(() => new Vector3(), []);
  useEffect(() => invalidate(), [anchors, invalidate]);
  useFrame(({ camera, size }) => {
    const els = refs.current;
    for (let i = 0; i < anchors.length / 3; i++) {
      const el = els[i];
      if (!el) continue;
      v.set(anchors[3 * i]!, anchors[3 * i + 1]!, anchors[3 * i + 2]!).project(camera);
      if (v.z > 1 || v.z < -1) {
        el.style.visibility = 'hidden';
        continue;
      }
      el.style.visibility = 'visible';
      el.style.transform = `translate(${((v.x + 1) / 2) * size.width}px, ${((1 - v.y) / 2) * size.height}px) translate(-50%, -100%)`;
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

export function SceneCanvas(props: SceneCanvasProps): React.JSX.Element {
  const { detail, points, colorMode, highlight, selected, objectConfidence, frame, pointSize, showBoxes, showLabels, showTrajectory, maxLabels, onSelectObject } = props;
  const boxes = useMemo(() => detail.objects.map((o) => o.box), [detail]);
  const bounds = useMemo(() => sceneBounds(detail.room, boxes, detail.trajectory), [detail, boxes]);
  const view = useMemo(() => overviewCamera(bounds), [bounds]);
  const floorZ = useMemo(() => floorLevel(detail.room, boxes), [detail, boxes]);
  const highlightSet = useMemo(() => new Set(highlight), [highlight]);
  const labelIds = useMemo(() => (showLabels ? pickLabels(detail.objects, highlightSet, selected, maxLabels) : []), [showLabels, detail, highlightSet, selected, maxLabels]);
  const depth = Math.max(0.12, Math.min(0.45, bounds.radius * 0.05));
  const byId = useMemo(() => new Map(detail.objects.map((o) => [o.id, o])), [detail]);
  const anchors = useMemo(() => {
    const out = new Float32Array(labelIds.length * 3);
    labelIds.forEach((id, i) => out.set(labelAnchor(byId.get(id)!.box), 3 * i));
    return out;
  }, [labelIds, byId]);
  const labelRefs = useRef<(HTMLDivElement | null)[]>([]);
  return (
    <div className="scene-canvas" data-testid="scene-canvas">
      {/* flat: no tone mapping. Everything here is unlit and its colours are data or the UI's own (highlight
          colours shared with the frame overlay), which ACES would shift. */}
      <Canvas
        frameloop="demand"
        flat
        dpr={[1, 2]}
        gl={{ antialias: true, powerPreference: 'high-performance' }}
        camera={{ up: [0, 0, 1], fov: 50, near: view.near, far: view.far, position: view.position }}
        onPointerMissed={() => onSelectObject(null)}
      >
        <color attach="background" args={['#0f1115']} />
        {points && points.count > 0 && <Cloud points={points} objects={detail.objects} colorMode={colorMode} highlight={highlight} confidence={objectConfidence} size={pointSize} />}
        {showBoxes && <Boxes objects={detail.objects} highlight={highlightSet} selected={selected} onSelect={onSelectObject} />}
        {labelIds.length > 0 && <LabelProjector anchors={anchors} refs={labelRefs} />}
        <RoomOutline detail={detail} floorZ={floorZ} />
        {showTrajectory && <Trajectory frames={detail.trajectory} current={frame} depth={depth} />}
        <OrbitControls makeDefault enableDamping={false} />
        <FitCamera position={view.position} target={view.target} near={view.near} far={view.far} />
      </Canvas>
      <div className="scene-labels" aria-hidden="true">
        {labelIds.map((id, i) => {
          const o = byId.get(id)!;
          const conf = objectConfidence?.get(id);
          const cls = id === selected ? 'scene-label selected' : highlightSet.has(id) ? 'scene-label highlighted' : 'scene-label';
          return (
            <div
              key={id}
              className={cls}
              ref={(el) => {
                labelRefs.current[i] = el;
              }}
            >
              {o.label}
              {conf ? ` · ${conf.mean.toFixed(2)}` : ''}
            </div>
          );
        })}
      </div>
    </div>
  );
}
