import { describe, expect, it } from 'vitest';
import { csvField, csvLine, toCsv } from '../../src/shared/csv.js';
import { parseCsv } from '../helpers/csv.js';


describe('RFC 4180 CSV', () => {
  it('quotes fields with a comma, a double quote, CR or LF, doubling inner quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('crlf\r\nhere')).toBe('"crlf\r\nhere"');
    expect(csvField("it's; fine")).toBe("it's; fine");
  });

  it('quotes leading or trailing whitespace so it survives trimming readers', () => {
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('padded\t')).toBe('"padded\t"');
    expect(csvField('in the middle')).toBe('in the middle');
  });

  it('writes empty values as empty fields', () => {
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvLine([null, '', undefined])).toBe(',,');
  });

  it('writes numbers and booleans as JavaScript prints them, objects as JSON', () => {
    expect(csvField(3.5)).toBe('3.5');
    expect(csvField(0)).toBe('0');
    expect(csvField(-12)).toBe('-12');
    expect(csvField(0.6045449387544933)).toBe('0.6045449387544933');
    expect(csvField(1e-7)).toBe('1e-7');
    expect(csvField(Number.NaN)).toBe('NaN');
    expect(csvField(true)).toBe('true');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField([1, 2])).toBe('"[1,2]"');
  });

  it('ends every record with CRLF by default, LF on request, and reads back', () => {
    const rows = [
      ['x,y', 'q"uote'],
      [1, null],
      ['multi\nline', -0.5],
    ];
    const crlf = toCsv(['a', 'b'], rows);
    expect(crlf).toBe('a,b\r\n"x,y","q""uote"\r\n1,\r\n"multi\nline",-0.5\r\n');
    const lf = toCsv(['a', 'b'], rows, { eol: '\n' });
    expect(lf).toBe('a,b\n"x,y","q""uote"\n1,\n"multi\nline",-0.5\n');
    const expected = [
      ['a', 'b'],
      ['x,y', 'q"uote'],
      ['1', ''],
      ['multi\nline', '-0.5'],
    ];
    expect(parseCsv(crlf)).toEqual(expected);
    expect(parseCsv(lf)).toEqual(expected);
  });

  it('writes just the header for no rows', () => {
    expect(toCsv(['a', 'b c', 'd,e'], [])).toBe('a,b c,"d,e"\r\n');
  });
});
