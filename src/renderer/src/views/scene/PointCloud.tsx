/**
 * A point cloud drawn as one THREE.Points: the caller's typed arrays become the GPU buffers as they are (no
 * copies), colours are sRGB bytes normalised and decoded in the shader (pointsMaterial.ts). The caller rewrites
 * `colors` in place and bumps `colorsVersion` to re-upload them. Shared by the scene viewer and the viewer
 * benchmark.
 *
 * Level of detail: with `movingBudget`, a second Points object draws a uniform subsample through an index
 * buffer over the same GPU buffers, and is shown instead of the full cloud while the default controls move the
 * camera (their 'start' … 'end'), full detail returning once the camera has rested for SETTLE_MS and the last
 * move has been drawn. The switch
 * flips `visible` on the two objects: no React render, no upload.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import { BufferAttribute, BufferGeometry, type EventDispatcher, type Points } from 'three';
import { lodIndices } from './lod.js';
import { createPointsMaterial } from './pointsMaterial.js';
import './threeConsole.js';

/** Rest after the last camera move before full detail returns: wheel zoom ends after every notch. */
export const SETTLE_MS = 180;

export interface PointCloudProps {
  positions: Float32Array;
  colors: Uint8Array;
  count: number;
  colorsVersion?: number;
  /** Point size in metres (size attenuation on). */
  size?: number;
  /** Points drawn while the camera moves; full detail always when absent or not below `count`. */
  movingBudget?: number | null;
  /** Whether to switch to `movingBudget` points while moving (a toggle: nothing is rebuilt). */
  reduceWhileMoving?: boolean;
}

type ControlsEvents = EventDispatcher<{ start: object; change: object; end: object }>;

export function PointCloud({ positions, colors, count, colorsVersion = 0, size = 0.015, movingBudget = null, reduceWhileMoving = true }: PointCloudProps): React.JSX.Element {
  const invalidate = useThree((s) => s.invalidate);
  const controls = useThree((s) => s.controls) as unknown as ControlsEvents | null;
  const fullRef = useRef<Points>(null);
  const coarseRef = useRef<Points>(null);
  /** A camera move not drawn yet. */
  const undrawn = useRef(false);
  useFrame(() => {
    undrawn.current = false;
  });
  // Built and disposed together: disposing a geometry deletes its attributes' GPU buffers, which the two share.
  const { geometry, coarse } = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(positions, 3));
    g.setAttribute('color', new BufferAttribute(colors, 3, true));
    g.setDrawRange(0, count);
    const indices = movingBudget === null ? null : lodIndices(count, movingBudget);
    if (!indices) return { geometry: g, coarse: null };
    // The same attribute objects: three keys GPU buffers by attribute, so both draws read one upload.
    const c = new BufferGeometry();
    c.setAttribute('position', g.getAttribute('position'));
    c.setAttribute('color', g.getAttribute('color'));
    c.setIndex(new BufferAttribute(indices, 1));
    return { geometry: g, coarse: c };
  }, [positions, colors, count, movingBudget]);
  const material = useMemo(() => createPointsMaterial(), []);

  useEffect(
    () => () => {
      coarse?.dispose();
      geometry.dispose();
    },
    [geometry, coarse],
  );
  useEffect(() => () => material.dispose(), [material]);
  useEffect(() => {
    geometry.getAttribute('color').needsUpdate = true;
    invalidate();
  }, [geometry, colorsVersion, invalidate]);
  useEffect(() => {
    material.size = size;
    invalidate();
  }, [material, size, invalidate]);

  useEffect(() => {
    const full = fullRef.current;
    const reduced = coarseRef.current;
    if (!full) return;
    const detail = (whole: boolean): void => {
      full.visible = whole || !reduced;
      if (reduced) reduced.visible = !whole;
    };
    detail(true);
    invalidate();
    if (!controls || !reduced || !reduceWhileMoving) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onStart = (): void => {
      clearTimeout(timer);
      detail(false);
    };
    const onChange = (): void => {
      undrawn.current = true;
    };
    const onEnd = (): void => {
      clearTimeout(timer);
      const settle = (): void => {
        // A slow frame may not even have started yet (a wheel notch ends at once): the move is drawn reduced
        // first, and full detail comes after.
        if (undrawn.current) {
          timer = setTimeout(settle, SETTLE_MS);
          return;
        }
        detail(true);
        invalidate();
      };
      timer = setTimeout(settle, SETTLE_MS);
    };
    controls.addEventListener('start', onStart);
    controls.addEventListener('change', onChange);
    controls.addEventListener('end', onEnd);
    return () => {
      clearTimeout(timer);
      controls.removeEventListener('start', onStart);
      controls.removeEventListener('change', onChange);
      controls.removeEventListener('end', onEnd);
      detail(true);
    };
  }, [controls, coarse, reduceWhileMoving, invalidate]);

  return (
    <>
      <points ref={fullRef} geometry={geometry} material={material} frustumCulled={false} />
      {coarse && <points ref={coarseRef} geometry={coarse} material={material} frustumCulled={false} visible={false} />}
    </>
  );
}
