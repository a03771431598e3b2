import { describe, expect, it } from 'vitest';
import { splitPluginPath } from '../../../src/server/plugin-routes.js';

describe('splitPluginPath', () => {
  it.each([
    ['audit/entries/7', { plugin: 'audit', path: '/entries/7' }],
    ['audit', { plugin: 'audit', path: '/' }],
    ['@acme/audit/entries', { plugin: '@acme/audit', path: '/entries' }],
    ['%40acme%2Faudit/entries', { plugin: '@acme/audit', path: '/entries' }],
    ['%40acme/audit', { plugin: '@acme/audit', path: '/' }],
  ])('%s', (input, expected) => {
    expect(splitPluginPath(input)).toEqual(expected);
  });

  it('rejects an empty name, a bare scope and broken escapes', () => {
    expect(splitPluginPath('')).toBeUndefined();
    expect(splitPluginPath('@acme')).toBeUndefined();
    expect(splitPluginPath('%E0%A4%A/x')).toBeUndefined();
  });
});
