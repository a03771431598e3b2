import { describe, expect, it } from 'vitest';
import { matchPath } from '../../src/contributions/route-registry.js';

describe('matchPath', () => {
  it('matches literal segments, parameters and a trailing wildcard', () => {
    expect(matchPath(['entries'], '/entries')).toEqual({});
    expect(matchPath(['entries', ':id'], '/entries/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath(['files', '*'], '/files/x/y.txt')).toEqual({ '*': 'x/y.txt' });
    expect(matchPath(['entries', ':id'], '/entries')).toBeUndefined();
    expect(matchPath(['entries'], '/entries/1')).toBeUndefined();
    expect(matchPath(['entries'], '/other')).toBeUndefined();
  });
});
