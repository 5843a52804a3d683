/**
 * The points' material. Stored colours are sRGB bytes (what a PLY, a camera image or a colour scale holds),
 * but three.js blends in linear sRGB and encodes to sRGB on output, and treats a vertex colour attribute as
 * already linear: bytes taken as they are come out too light, and r3f's default ACES tone mapping washes them
 * out further ((80,130,200) was drawn as (175,198,217)). So the vertex shader decodes each colour from sRGB
 * (the same curve the output encodes with, so a byte round-trips to itself) and the material opts out of tone
 * mapping, which is for lit HDR scenes, not for measured colours. Decoding on the GPU keeps the colour buffer
 * the caller's Uint8Array: no float copy of millions of colours.
 */
import { PointsMaterial } from 'three';

const DECODE = /* glsl */ `
#include <common>
vec3 pointColorToLinear( in vec3 c ) {
	return mix( pow( c * 0.9478672986 + vec3( 0.0521327014 ), vec3( 2.4 ) ), c * 0.0773993808, vec3( lessThanEqual( c, vec3( 0.04045 ) ) ) );
}
`;

export function createPointsMaterial(size = 0.015): PointsMaterial {
  const material = new PointsMaterial({ vertexColors: true, size, sizeAttenuation: true });
  material.toneMapped = false;
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', DECODE)
      .replace('#include <color_vertex>', '#include <color_vertex>\n\tvColor.rgb = pointColorToLinear( vColor.rgb );');
  };
  // Programs are cached by this key: without it three would reuse a plain PointsMaterial's program.
  material.customProgramCacheKey = () => 'points-srgb-vertex-colors';
  return material;
}
