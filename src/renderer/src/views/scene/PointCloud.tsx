/**
 * A point cloud drawn as one THREE.Points: the caller's typed arrays become the GPU buffers as they are (no
 * copies), colours are sRGB bytes normalised and decoded in the shader (pointsMaterial.ts). The caller rewrites `colors` in place and bumps
 * `colorsVersion` to re-upload them. Shared by the scene viewer and the viewer benchmark.
 */
import { useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { BufferAttribute, BufferGeometry } from 'three';
import { createPointsMaterial } from './pointsMaterial.js';
import './threeConsole.js';

export interface PointCloudProps {
  positions: Float32Array;
  colors: Uint8Array;
  count: number;
  colorsVersion?: number;
  /** Point size in metres (size attenuation on). */
  size?: number;
}

export function PointCloud({ positions, colors, count, colorsVersion = 0, size = 0.015 }: PointCloudProps): React.JSX.Element {
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => {
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(positions, 3));
    g.setAttribute('color', new BufferAttribute(colors, 3, true));
    g.setDrawRange(0, count);
    return g;
  }, [positions, colors, count]);
  const material = useMemo(() => createPointsMaterial(), []);

  useEffect(() => () => geometry.dispose(), [geometry]);
  useEffect(() => () => material.dispose(), [material]);
  useEffect(() => {
    geometry.getAttribute('color').needsUpdate = true;
    invalidate();
  }, [geometry, colorsVersion, invalidate]);
  useEffect(() => {
    material.size = size;
    invalidate();
  }, [material, size, invalidate]);

  return <points geometry={geometry} material={material} frustumCulled={false} />;
}
