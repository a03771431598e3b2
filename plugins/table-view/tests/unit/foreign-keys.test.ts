import type { ColumnSchema, TableSchema } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { labelColumn, rowHref } from '../../src/foreign-keys.js';
import { parseRowKey } from '../../src/row-page.js';
import { urls } from '../fixtures/fake-data.js';

const column = (name: string, type: ColumnSchema['type'] = 'text'): ColumnSchema => ({
  name,
  type,
  nativeType: type,
  nullable: true,
  hasDefault: false,
});

const tableOf = (columns: ColumnSchema[], primaryKey = ['id'], fkColumns: string[] = []): TableSchema => ({
  name: 't',
  kind: 'table',
  columns,
  primaryKey,
  foreignKeys: fkColumns.map((c) => ({ columns: [c], referencedTable: 'other', referencedColumns: ['id'] })),
  writable: true,
});

describe('label column', () => {
  it('prefers a name, then a title or label, then an e-mail or code; never a key or a number', () => {
    expect(labelColumn(tableOf([column('id', 'integer'), column('Name')]))).toBe('Name');
    expect(
      labelColumn(
        tableOf([column('AlbumId', 'integer'), column('Title'), column('ArtistId', 'integer')], ['AlbumId']),
      ),
    ).toBe('Title');
    // An employee's job title does not name them; their last name does.
    expect(
      labelColumn(
        tableOf([column('id', 'integer'), column('LastName'), column('FirstName'), column('Title')]),
      ),
    ).toBe('LastName');
    expect(labelColumn(tableOf([column('id', 'integer'), column('email')]))).toBe('email');
    expect(
      labelColumn(tableOf([column('id', 'integer'), column('address'), column('total', 'decimal')])),
    ).toBeUndefined();
    expect(labelColumn(tableOf([column('name', 'integer'), column('code_name')], ['name']))).toBe(
      'code_name',
    );
    expect(
      labelColumn(tableOf([column('id', 'integer'), column('owner_name')], ['id'], ['owner_name'])),
    ).toBeUndefined();
  });
});

describe('row links', () => {
  it('point at the table page the host names, with the key as JSON', () => {
    expect(rowHref(urls, 'Album', { AlbumId: 1 })).toBeUndefined();
    const href = rowHref({ ...urls, tablePage: '/d/demo/t/{table}' }, 'a b/c', { id: 12345678901234567890n });
    expect(href?.startsWith('/d/demo/t/a%20b%2Fc?')).toBe(true);
    const query = new URL(href ?? '', 'http://x').searchParams;
    expect(query.get('view')).toBe('table');
    expect(query.get('row')).toBe('{"id":"12345678901234567890"}');
  });

  it('take only a key that names exactly the primary key', () => {
    const table = tableOf([column('a', 'integer'), column('b', 'integer')], ['a', 'b']);
    expect(parseRowKey(table, '{"a":1,"b":2}')).toEqual({ a: 1, b: 2 });
    expect(parseRowKey(table, '{"a":1}')).toBeUndefined();
    expect(parseRowKey(table, '{"a":1,"c":2}')).toBeUndefined();
    expect(parseRowKey(table, 'not json')).toBeUndefined();
    expect(parseRowKey(table, '[1,2]')).toBeUndefined();
    expect(parseRowKey({ ...table, primaryKey: [] }, '{}')).toBeUndefined();
  });
});
