import { describe, expect, it } from 'vitest';
import { hasBatchRead, type Row, type RowBatchIterator, readRowBatch } from '../../src/index.js';

const rows = (from: number, to: number): Row[] =>
  Array.from({ length: to - from }, (_, i) => ({ id: from + i }));

/** An iterator over `count` rows; with `chunk`, it also offers nextBatch (at most `chunk` a call). */
function source(count: number, chunk?: number) {
  let at = 0;
  const calls = { next: 0, nextBatch: 0, returned: 0 };
  const iterator: AsyncIterator<Row> & Partial<RowBatchIterator> = {
    async next() {
      calls.next++;
      return at < count ? { value: { id: at++ }, done: false } : { value: undefined, done: true };
    },
    async return() {
      calls.returned++;
      return { value: undefined, done: true };
    },
  };
  if (chunk !== undefined)
    iterator.nextBatch = async (max) => {
      calls.nextBatch++;
      const end = Math.min(count, at + Math.min(max, chunk));
      const batch = rows(at, end);
      at = end;
      return batch;
    };
  return { iterator, calls };
}

describe('readRowBatch', () => {
  it('reads with nextBatch when offered: full batches from short ones, then the rest with done', async () => {
    const { iterator, calls } = source(25, 4);
    expect(hasBatchRead(iterator)).toBe(true);
    expect(await readRowBatch(iterator, 10)).toEqual({ rows: rows(0, 10), done: false });
    expect(await readRowBatch(iterator, 10)).toEqual({ rows: rows(10, 20), done: false });
    expect(await readRowBatch(iterator, 10)).toEqual({ rows: rows(20, 25), done: true });
    expect(calls.next).toBe(0);
  });

  it('hands over the datasource’s batch itself when it is the one wanted', async () => {
    const batch = rows(0, 3);
    const iterator: RowBatchIterator = {
      next: async () => ({ value: undefined, done: true }),
      nextBatch: async () => batch,
    };
    expect((await readRowBatch(iterator, 3)).rows).toBe(batch);
  });

  it('says done on the next read when the stream ends just after a full batch', async () => {
    for (const chunk of [undefined, 5]) {
      const { iterator } = source(10, chunk);
      expect(await readRowBatch(iterator, 10)).toEqual({ rows: rows(0, 10), done: false });
      expect(await readRowBatch(iterator, 10)).toEqual({ rows: [], done: true });
    }
  });

  it('falls back to next() without nextBatch', async () => {
    const { iterator, calls } = source(7);
    expect(hasBatchRead(iterator)).toBe(false);
    expect(await readRowBatch(iterator, 5)).toEqual({ rows: rows(0, 5), done: false });
    expect(await readRowBatch(iterator, 5)).toEqual({ rows: rows(5, 7), done: true });
    expect(calls.next).toBe(8);
  });

  it('passes a failed read on, and refuses a max that is not a positive integer or a batch that is not an array', async () => {
    const failing: RowBatchIterator = {
      next: async () => ({ value: undefined, done: true }),
      nextBatch: async () => {
        throw new Error('the disk went away');
      },
    };
    await expect(readRowBatch(failing, 10)).rejects.toThrow('the disk went away');
    await expect(readRowBatch(source(3, 1).iterator, 0)).rejects.toMatchObject({ code: 'NCF_INVALID_QUERY' });
    await expect(readRowBatch(source(3, 1).iterator, 1.5)).rejects.toMatchObject({
      code: 'NCF_INVALID_QUERY',
    });
    const broken = { next: async () => ({ value: undefined, done: true }), nextBatch: async () => null };
    await expect(readRowBatch(broken as never, 10)).rejects.toMatchObject({
      code: 'NCF_DATASOURCE_ERROR',
      message: expect.stringContaining('not an array of rows'),
    });
  });
});
