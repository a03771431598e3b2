import { describe, expect, it } from 'vitest';
import { isAdminToken } from '../../src/server/access/actor.js';

describe('the admin token check', () => {
  it('answers for the admin token it is given, also when servers with other tokens take turns', () => {
    for (let round = 0; round < 3; round++) {
      expect(isAdminToken('token-a', 'token-a')).toBe(true);
      expect(isAdminToken('token-a', 'token-b')).toBe(false);
      expect(isAdminToken('token-b', 'token-b')).toBe(true);
      expect(isAdminToken('token-b', 'token-a')).toBe(false);
    }
    expect(isAdminToken(undefined, 'token-a')).toBe(false);
    expect(isAdminToken('', 'token-a')).toBe(false);
    expect(isAdminToken('token-a ', 'token-a')).toBe(false);
  });
});
