// A reload asks where a directory plugin lives now. The answer must follow a replaced link
// or a renamed folder (through a full rescan) and, when nothing changed, must not rescan.
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { relocate } from '../../src/discovery/relocate.js';
import type { PluginLocation } from '../../src/discovery/types.js';

describe('relocating a directory plugin on reload', () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'nocoflo-relocate-')));
    mkdirSync(join(root, 'plugins'));
    mkdirSync(join(root, 'projects', 'one'), { recursive: true });
    mkdirSync(join(root, 'projects', 'two'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const scanner = (answer: PluginLocation | undefined) => {
    const calls: number[] = [];
    const rescan = () => {
      calls.push(1);
      return answer;
    };
    return { calls, rescan };
  };

  it('keeps the location without a rescan while the path still leads to the same folder', () => {
    const link = join(root, 'plugins', 'linked');
    symlinkSync(join(root, 'projects', 'one'), link, 'dir');
    const location: PluginLocation = {
      dir: join(root, 'projects', 'one'),
      source: 'directory',
      foundAt: link,
    };
    const { calls, rescan } = scanner(undefined);
    expect(relocate(location, rescan)).toBe(location);
    expect(calls).toHaveLength(0);
  });

  it('rescans when the link now points elsewhere', () => {
    const link = join(root, 'plugins', 'linked');
    symlinkSync(join(root, 'projects', 'one'), link, 'dir');
    const location: PluginLocation = {
      dir: join(root, 'projects', 'one'),
      source: 'directory',
      foundAt: link,
    };
    rmSync(link);
    symlinkSync(join(root, 'projects', 'two'), link, 'dir');
    const moved: PluginLocation = { dir: join(root, 'projects', 'two'), source: 'directory', foundAt: link };
    const { calls, rescan } = scanner(moved);
    expect(relocate(location, rescan)).toBe(moved);
    expect(calls).toHaveLength(1);
  });

  it('rescans when the folder it was found at is gone (renamed)', () => {
    const folder = join(root, 'plugins', 'old-name');
    mkdirSync(folder);
    const location: PluginLocation = { dir: folder, source: 'directory', foundAt: folder };
    renameSync(folder, join(root, 'plugins', 'new-name'));
    const { calls, rescan } = scanner(undefined);
    expect(relocate(location, rescan)).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('rescans a location that does not say where it was found', () => {
    const location: PluginLocation = { dir: join(root, 'projects', 'one'), source: 'directory' };
    const { calls, rescan } = scanner(location);
    expect(relocate(location, rescan)).toBe(location);
    expect(calls).toHaveLength(1);
  });
});
