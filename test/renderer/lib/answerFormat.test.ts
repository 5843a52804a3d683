import { describe, expect, it } from 'vitest';
import { formatAnswer, formatMeasure, unitOfFamily } from '../../../src/renderer/src/lib/answerFormat.js';
import { FAMILIES } from '../../../src/shared/proposer.js';

describe('answers in their unit (issue 14, item 12)', () => {
  it('prints raw float predictions in the family unit at the precision the questions use', () => {
    expect(formatAnswer('object_abs_distance', '15.890593298412')).toBe('15.89 m');
    expect(formatAnswer('camera_object_distance', 2.3)).toBe('2.30 m');
    expect(formatAnswer('object_size_estimation', '158.40000001')).toBe('158 cm');
    expect(formatAnswer('object_size_estimation', '3.14159')).toBe('3.1 cm');
    expect(formatAnswer('room_size_estimation', '21.3456')).toBe('21.3 m²');
    expect(formatAnswer('object_counting', '4')).toBe('4');
    expect(formatAnswer('object_counting', 4)).toBe('4');
    expect(formatAnswer('object_counting', '3.5')).toBe('3.5');
    expect(formatAnswer('object_abs_distance', '-0.0001')).toBe('0.00 m');
    expect(formatAnswer('object_abs_distance', '1e-3')).toBe('0.00 m');
  });

  it('leaves letters, words, unknown families and missing values readable', () => {
    expect(formatAnswer('object_rel_distance', 'B')).toBe('B');
    expect(formatAnswer('object_abs_distance', 'about 3 metres')).toBe('about 3 metres');
    expect(formatAnswer('object_abs_distance', 'NaN')).toBe('NaN');
    expect(formatAnswer('some_future_family', '1.23456')).toBe('1.23456');
    expect(formatAnswer('object_abs_distance', null)).toBe('—');
  });

  it('knows every family unit', () => {
    for (const f of FAMILIES) expect(unitOfFamily(f)).not.toBeNull();
    expect(formatMeasure(12, 'm2')).toBe('12.0 m²');
  });
});
