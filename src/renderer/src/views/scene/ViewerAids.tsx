/**
 * What a researcher reads a 3D view by: a floor grid of 1 m cells, the world axes at the origin (x red, y green,
 * z blue, 1 m long), a scale bar, and the measuring tool (two picked cloud points, the segment between them).
 * All live inside the Canvas; the scale bar writes to DOM elements over it from useFrame, only when its
 * length or width changes.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { AxesHelper, BufferAttribute, BufferGeometry, GridHelper, LineBasicMaterial, PointsMaterial, Raycaster, Vector2, Vector3, type PerspectiveCamera } from 'three';
import type { Vec3 } from '../../../../shared/scene.js';
import type { Bounds } from './geometry.js';
import { pickPoint } from './measure.js';
import { formatMetres, pixelsPerMetre, scaleBarMetres } from './scaleBar.js';

export const MEASURE_COLOR = '#ff4fd8';
/** How far (screen pixels) from a point a click may land and still pick it. */
const PICK_PX = 6;
/** A press that moves more than this is an orbit, not a pick. */
const CLICK_SLOP_PX = 4;

/** Floor grid: whole-metre lines around the scene, just under the floor so floor points stay on top. */
export function FloorGrid({ bounds, floorZ }: { bounds: Bounds; floorZ: number }): React.JSX.Element {
  const grid = useMemo(() => {
    const cx = Math.round(bounds.center[0]);
    const cy = Math.round(bounds.center[1]);
    const half = Math.ceil(Math.max(Math.abs(bounds.min[0] - cx), Math.abs(bounds.max[0] - cx), Math.abs(bounds.min[1] - cy), Math.abs(bounds.max[1] - cy))) + 1;
    const g = new GridHelper(2 * half, 2 * half, '#3c4656', '#262c36');
    // GridHelper lies in XZ (Y up); the scene is Z up.
    g.rotation.x = Math.PI / 2;
    g.position.set(cx, cy, floorZ - 0.005);
    return g;
  }, [bounds, floorZ]);
  useEffect(
    () => () => {
      grid.geometry.dispose();
      (grid.material as LineBasicMaterial).dispose();
    },
    [grid],
  );
  return <primitive object={grid} />;
}

export function WorldAxes(): React.JSX.Element {
  const axes = useMemo(() => new AxesHelper(1), []);
  useEffect(() => () => axes.dispose(), [axes]);
  return <primitive object={axes} />;
}

/**
 * Keeps the scale bar true: one metre's width on screen at the orbit centre (the controls' target), rounded to
 * 1, 2 or 5 × 10^k metres.
 */
export function ScaleBarUpdater({ bar, text }: { bar: React.RefObject<HTMLDivElement | null>; text: React.RefObject<HTMLSpanElement | null> }): null {
  const controls = useThree((s) => s.controls) as unknown as { target: Vector3 } | null;
  const last = useMemo(() => ({ px: -1, metres: NaN }), []);
  useFrame(({ camera, size }) => {
    const cam = camera as PerspectiveCamera;
    if (!controls || !bar.current || !text.current) return;
    const ppm = pixelsPerMetre(size.height, cam.fov, cam.position.distanceTo(controls.target));
    const metres = scaleBarMetres(ppm);
    if (Number.isNaN(metres)) return;
    const px = Math.round(metres * ppm);
    if (px !== last.px) {
      bar.current.style.width = `${px}px`;
      last.px = px;
    }
    if (metres !== last.metres) {
      text.current.textContent = formatMetres(metres);
      last.metres = metres;
    }
  });
  return null;
}

/**
 * The measuring tool while active: a click (a press that does not orbit) picks the cloud point under the
 * pointer and reports it. Listens on the canvas element itself, so orbiting keeps working as usual.
 */
export function PointPicker({ positions, count, onPick }: { positions: Float32Array; count: number; onPick(p: Vec3): void }): null {
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera) as PerspectiveCamera;
  const tools = useMemo(() => ({ ray: new Raycaster(), ndc: new Vector2() }), []);
  useEffect(() => {
    const el = gl.domElement;
    let down: { x: number; y: number; id: number } | null = null;
    const onDown = (e: PointerEvent): void => {
      down = e.button === 0 ? { x: e.clientX, y: e.clientY, id: e.pointerId } : null;
    };
    const onUp = (e: PointerEvent): void => {
      const d = down;
      down = null;
      if (!d || d.id !== e.pointerId || Math.hypot(e.clientX - d.x, e.clientY - d.y) > CLICK_SLOP_PX) return;
      const rect = el.getBoundingClientRect();
      tools.ndc.set(((e.clientX - rect.left) / rect.width) * 2 - 1, -((e.clientY - rect.top) / rect.height) * 2 + 1);
      tools.ray.setFromCamera(tools.ndc, camera);
      const { origin: o, direction: dir } = tools.ray.ray;
      const tanTol = (PICK_PX * 2 * Math.tan((camera.fov * Math.PI) / 360)) / rect.height;
      const i = pickPoint(positions, count, [o.x, o.y, o.z], [dir.x, dir.y, dir.z], tanTol);
      if (i >= 0) onPick([positions[3 * i]!, positions[3 * i + 1]!, positions[3 * i + 2]!]);
    };
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointerup', onUp);
    return () => {
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointerup', onUp);
    };
  }, [gl, camera, positions, count, onPick, tools]);
  return null;
}

/** The picked points and the segment between them, drawn over everything (no depth test). */
export function Measurement({ picks }: { picks: readonly Vec3[] }): React.JSX.Element | null {
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(new Float32Array(6), 3));
    return g;
  }, []);
  const line = useMemo(() => new LineBasicMaterial({ color: MEASURE_COLOR, depthTest: false, transparent: true }), []);
  const marker = useMemo(() => new PointsMaterial({ color: MEASURE_COLOR, size: 9, sizeAttenuation: false, depthTest: false, transparent: true }), []);
  useEffect(
    () => () => {
      geometry.dispose();
      line.dispose();
      marker.dispose();
    },
    [geometry, line, marker],
  );
  useEffect(() => {
    const attr = geometry.getAttribute('position') as BufferAttribute;
    picks.slice(0, 2).forEach((p, i) => (attr.array as Float32Array).set(p, 3 * i));
    attr.needsUpdate = true;
    geometry.setDrawRange(0, Math.min(2, picks.length));
    geometry.computeBoundingSphere();
    invalidate();
  }, [picks, geometry, invalidate]);
  if (picks.length === 0) return null;
  return (
    <>
      <points geometry={geometry} material={marker} renderOrder={10} frustumCulled={false} />
      {picks.length === 2 && <lineSegments geometry={geometry} material={line} renderOrder={10} frustumCulled={false} />}
    </>
  );
}
