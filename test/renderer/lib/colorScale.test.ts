import { describe, expect, it } from 'vitest';
import { categoryColor, idColor, legendStops, linearScale, NO_DATA, rampColor, rampLut, rgbHex, textOn } from '../../../src/renderer/src/lib/colorScale.js';

describe('colour scales', () => {
  it('hits the ramp end points and clamps outside [0, 1]', () => {
    expect(rampColor('viridis', 0)).toEqual([68, 1, 84]);
    expect(rampColor('viridis', 1)).toEqual([253, 231, 37]);
    expect(rampColor('viridis', -3)).toEqual([68, 1, 84]);
    expect(rampColor('viridis', 7)).toEqual([253, 231, 37]);
    expect(rampColor('viridis', NaN)).toEqual([68, 1, 84]);
    expect(rampColor('confidence', 0)).toEqual([215, 48, 39]);
    expect(rampColor('confidence', 1)).toEqual([26, 152, 80]);
  });

  it('interpolates between stops', () => {
    const mid = rampColor('confidence', 0.125); // halfway between the first two stops
    expect(mid).toEqual([Math.round((215 + 244) / 2), Math.round((48 + 109) / 2), Math.round((39 + 67) / 2)]);
  });

  it('builds a lookup table matching the ramp', () => {
    const lut = rampLut('height', 256);
    expect(lut.length).toBe(768);
    expect([lut[0], lut[1], lut[2]]).toEqual(rampColor('height', 0));
    expect([lut[765], lut[766], lut[767]]).toEqual(rampColor('height', 1));
  });

  it('maps values through a linear scale, null to the no-data colour', () => {
    const s = linearScale([0, 10]);
    expect(s.t(5)).toBe(0.5);
    expect(s.t(20)).toBe(1);
    expect(s.color(null)).toEqual(NO_DATA);
    expect(s.color(0)).toEqual(rampColor('viridis', 0));
    expect(s.css(10)).toBe('rgb(253, 231, 37)');
    expect(linearScale([3, 3]).t(3)).toBe(0.5);
  });

  it('gives legend stops from low to high', () => {
    const stops = legendStops(linearScale([0, 1]), 5);
    expect(stops.map((s) => s.value)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(stops[0]!.offset).toBe(0);
    expect(stops[4]!.offset).toBe(1);
  });

  it('picks readable text colours and stable categorical colours', () => {
    expect(textOn([255, 255, 255])).toBe('#111');
    expect(textOn([0, 0, 0])).toBe('#fff');
    expect(rgbHex([255, 0, 16])).toBe('#ff0010');
    expect(idColor(5)).toEqual(idColor(5));
    expect(idColor(5)).not.toEqual(idColor(6));
    const cats = new Set(Array.from({ length: 12 }, (_, i) => rgbHex(categoryColor(i))));
    expect(cats.size).toBe(12);
  });
});
