// A reload re-imports a plugin's entry with a new query string. Only an entry that imports
// files of its own needs the resolve hook (which slows every later import in the process):
// the check must say yes for every form of such an import, and no for strings that merely
// look like paths.
import { describe, expect, it } from 'vitest';
import { needsResolveHook } from '../../src/lifecycle/fresh-import.js';

describe('which entries need the resolve hook on reload', () => {
  it.each([
    ['a relative static import', `import { a } from './lib/a.js'; export default a;`],
    ['a parent-relative import', `import '../shared.js';`],
    ['a relative re-export', `export * from './more.js';`],
    ['a minified relative import', `import{a as b}from"./chunk-X7.js";export{b as default};`],
    ['a relative dynamic import', `export const load = () => import('./lazy.js');`],
    ['a computed dynamic import', `export const load = (name) => import(name);`],
    ['a template dynamic import', 'export const load = (n) => import(`./views/$' + '{n}.js`);'],
    ['source the lexer cannot read', `import x from 'pkg'; export default {{;`],
  ])('yes for %s', async (_, source) => {
    expect(await needsResolveHook(source)).toBe(true);
  });

  it.each([
    ['bare imports only', `import { definePlugin } from '@nocoflo/sdk'; import x from 'lodash/get.js';`],
    [
      "a view's asset paths",
      `import { definePlugin } from '@nocoflo/sdk';
       export default definePlugin({ views: [{ assets: { css: ['./assets/view.css'], js: ['../x.js'] } }] });`,
    ],
    ['a relative path in a comment', `// import './not-really.js'\nexport default 1;`],
    ['import.meta', `export const here = import.meta.url;`],
    ['a bare dynamic import', `export const load = () => import('node:fs');`],
    ['no imports at all', `export default { setup() {} };`],
  ])('no for %s', async (_, source) => {
    expect(await needsResolveHook(source)).toBe(false);
  });
});
