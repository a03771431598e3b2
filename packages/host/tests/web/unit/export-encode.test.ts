import type { Row } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import {
  attachmentDisposition,
  csvField,
  csvHeader,
  csvRow,
  csvSafeRow,
  csvText,
  escapeFormula,
  ndjsonRow,
} from '../../../src/server/export/encode.js';
import { parseCsv } from '../fixtures/csv.js';

describe('CSV encoding', () => {
  it('quotes exactly the fields that need it and doubles their quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
    expect(csvField('')).toBe('');
  });

  it('writes NULL as an empty field, bigints in full, bytes as base64, structures as JSON', () => {
    expect(csvText(null)).toBe('');
    expect(csvText(2n ** 70n)).toBe('1180591620717411303424');
    expect(csvText(-9007199254740993n)).toBe('-9007199254740993');
    expect(csvText(new Uint8Array([0, 255, 1, 2]))).toBe('AP8BAg==');
    expect(csvText(new Uint8Array(new Uint8Array([9, 0, 255, 1]).buffer, 1, 2))).toBe('AP8=');
    expect(csvText(true)).toBe('true');
    expect(csvText(1.5)).toBe('1.5');
    expect(csvText({ a: [1, 2n] })).toBe('{"a":[1,"2"]}');
    expect(csvText(['x', null])).toBe('["x",null]');
  });

  it('round-trips awkward values through an RFC 4180 reader, every record ending in CR LF', () => {
    const columns = ['id', 'text', 'big', 'blob', 'json', 'none'];
    const rows: Row[] = [
      { id: 1, text: 'comma, "quote"\r\nand a line', big: 12345678901234567890n, blob: new Uint8Array([1]) },
      { id: 2, text: '  spaces kept  ', big: null, blob: null, json: { k: 'v,"w"' }, none: null },
      { id: 3, text: '', big: 0n, blob: new Uint8Array([]) },
    ];
    const text = csvHeader(columns) + rows.map((row) => csvRow(row, columns)).join('');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      columns,
      ['1', 'comma, "quote"\r\nand a line', '12345678901234567890', 'AQ==', '', ''],
      ['2', '  spaces kept  ', '', '', '{"k":"v,\\"w\\""}', ''],
      ['3', '', '0', '', '', ''],
    ]);
  });

  it('escapes text a spreadsheet would run as a formula with a leading quote (OWASP), and nothing else', () => {
    for (const formula of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=x', '\r=x', '=HYPERLINK("http://x")'])
      expect(escapeFormula(formula)).toBe(`'${formula}`);
    for (const text of ['plain', '', ' =not first', "'quoted", '1-2', 'a=b'])
      expect(escapeFormula(text)).toBe(text);
    const columns = ['id', 'n', 'big', 'text'];
    const row: Row = { id: -1, n: -2.5, big: -9007199254740993n, text: '=cmd|" /C calc"!A0' };
    // Numbers stay numbers (a negative number is not a formula); the text is quoted as a field too.
    expect(csvSafeRow(row, columns)).toBe('-1,-2.5,-9007199254740993,"\'=cmd|"" /C calc""!A0"\r\n');
    expect(csvRow(row, columns)).toBe('-1,-2.5,-9007199254740993,"=cmd|"" /C calc""!A0"\r\n');
  });

  it('quotes column names in the header too', () => {
    expect(csvHeader(['a', 'b,c', 'd"e'])).toBe('a,"b,c","d""e"\r\n');
  });
});

describe('NDJSON encoding', () => {
  it('writes one object per line, keys in column order, with the data API spelling of bigints and bytes', () => {
    const line = ndjsonRow({ b: 2n ** 64n, a: 'x\ny', c: new Uint8Array([0, 255]) }, ['a', 'b', 'c', 'd']);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(Object.keys(JSON.parse(line))).toEqual(['a', 'b', 'c', 'd']);
    expect(JSON.parse(line)).toEqual({
      a: 'x\ny',
      b: '18446744073709551616',
      c: { $base64: 'AP8=' },
      d: null,
    });
  });
});

describe('Content-Disposition', () => {
  it('names the file after the table, with an ASCII fallback and the exact name in filename*', () => {
    expect(attachmentDisposition('orders', 'csv')).toBe(
      `attachment; filename="orders.csv"; filename*=UTF-8''orders.csv`,
    );
    const odd = attachmentDisposition('Bestellungen "ä"; x', 'ndjson');
    expect(odd).toMatch(/^attachment; filename="Bestellungen_x\.ndjson"; /);
    const star = /filename\*=UTF-8''(.+)$/.exec(odd)?.[1] ?? '';
    expect(decodeURIComponent(star)).toBe('Bestellungen "ä"; x.ndjson');
    expect(star).not.toMatch(/[\s";]/);
  });
});
