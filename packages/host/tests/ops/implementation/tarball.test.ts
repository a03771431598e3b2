import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNocofloError, type NocofloError } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractArchive, inspectArchive } from '../../../src/install/index.js';
import { goodPluginTarball, makeTarball, pluginPackageJson } from '../fixtures/tarball.js';
import { tempDir } from '../helpers.js';

describe('plugin archive extraction', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let sandbox: string;
  beforeEach(async () => {
    dir = await tempDir();
    // The destination is two levels down so that "../" and "../../" land in folders we watch.
    sandbox = join(dir.path, 'outer', 'plugins');
    await mkdir(sandbox, { recursive: true });
  });
  afterEach(() => dir.cleanup());

  const archive = async (bytes: Buffer, name = 'plugin.tgz') => {
    const file = join(dir.path, name);
    await writeFile(file, bytes);
    return file;
  };
  const refusal = async (bytes: Buffer, limits?: Parameters<typeof extractArchive>[3]) => {
    const file = await archive(bytes);
    const error = await extractArchive(file, join(sandbox, 'staging'), 'plugin.tgz', limits).then(
      () => undefined,
      (e: unknown) => e as NocofloError,
    );
    expect(isNocofloError(error, 'NCF_INSTALL_REJECTED')).toBe(true);
    // Nothing at all was written: not the destination, not its parents' neighbours.
    expect(existsSync(join(sandbox, 'staging'))).toBe(false);
    expect((await readdir(dir.path)).sort()).toEqual(['outer', 'plugin.tgz']);
    expect(await readdir(join(dir.path, 'outer'))).toEqual(['plugins']);
    expect(await readdir(sandbox)).toEqual([]);
    return error as NocofloError;
  };

  it('unpacks a well-formed npm pack tarball without its top folder', async () => {
    const file = await archive(
      goodPluginTarball('@ops/hello', '1.2.3', { files: { 'lib/util.js': 'export const x = 1;' } }),
    );
    const summary = await extractArchive(file, join(sandbox, 'staging'), 'hello.tgz');
    expect(summary.root).toBe('package');
    expect(summary.entries).toBe(3);
    expect(JSON.parse(await readFile(join(sandbox, 'staging', 'package.json'), 'utf8')).version).toBe(
      '1.2.3',
    );
    expect(await readFile(join(sandbox, 'staging', 'lib', 'util.js'), 'utf8')).toContain('x = 1');
  });

  it('keeps links that stay inside the package', async () => {
    const file = await archive(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/links') },
        { path: 'package/dist/index.js', content: 'export default {};' },
        { path: 'package/index.js', type: 'symlink', linkpath: 'dist/index.js' },
      ]),
    );
    await extractArchive(file, join(sandbox, 'staging'), 'links.tgz');
    expect(await readFile(join(sandbox, 'staging', 'index.js'), 'utf8')).toContain('export default');
  });

  it('refuses "../" paths, naming the entry', async () => {
    const error = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: 'package/../../escaped.txt', content: 'gotcha' },
      ]),
    );
    expect(error.message).toContain('package/../../escaped.txt');
    expect(error.message).toMatch(/"\.\."/);
  });

  it('refuses absolute paths', async () => {
    const error = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: `${dir.path}/absolute.txt`, content: 'gotcha' },
      ]),
    );
    expect(error.message).toMatch(/absolute path/);
    expect(existsSync(join(dir.path, 'absolute.txt'))).toBe(false);
  });

  it('refuses symlinks that point out of the package, relative or absolute', async () => {
    const relativeOut = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: 'package/secrets', type: 'symlink', linkpath: '../../../etc/passwd' },
      ]),
    );
    expect(relativeOut.message).toMatch(/points outside the package/);
    const absoluteOut = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: 'package/secrets', type: 'symlink', linkpath: '/etc/passwd' },
      ]),
    );
    expect(absoluteOut.message).toMatch(/absolute path/);
  });

  it('refuses a chain of links that only escapes once on disk, and writes nothing outside', async () => {
    // b -> "." and l -> b/../../x both look inside on paper (l normalises to package/x), but
    // on disk b is package/a itself, so l resolves to the folder above the package.
    const chain = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: 'package/a/', type: 'dir' },
        { path: 'package/a/b', type: 'symlink', linkpath: '.' },
        { path: 'package/a/l', type: 'symlink', linkpath: 'b/../../x' },
      ]),
    );
    expect(chain.message).toMatch(/a\/l.*(resolves outside the package|points to nothing)/);
    // The same with a target that exists outside: refused as an escape.
    await writeFile(join(sandbox, 'x'), 'outside');
    const existing = await extractArchive(
      await archive(
        makeTarball([
          { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
          { path: 'package/a/', type: 'dir' },
          { path: 'package/a/b', type: 'symlink', linkpath: '.' },
          { path: 'package/a/l', type: 'symlink', linkpath: 'b/../../x' },
        ]),
      ),
      join(sandbox, 'staging'),
      'chain.tgz',
    ).catch((e: NocofloError) => e);
    expect((existing as NocofloError).message).toMatch(/a\/l.*resolves outside the package/);
    expect(await readdir(sandbox)).toEqual(['x']);
    await rm(join(sandbox, 'x'));
  });

  it('refuses hard links out of the package and special files', async () => {
    const hard = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: 'package/h', type: 'hardlink', linkpath: 'etc/passwd' },
      ]),
    );
    expect(hard.message).toMatch(/outside the package/);
    const fifo = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/evil') },
        { path: 'package/pipe', type: 'fifo' },
      ]),
    );
    expect(fifo.message).toMatch(/FIFO/);
  });

  it('refuses oversized archives: compressed size, unpacked size (read from headers), entry count', async () => {
    const big = goodPluginTarball('@ops/big', '1.0.0', { files: { 'blob.bin': 'x'.repeat(4096) } });
    const tooBig = await refusal(big, { maxBytes: 200, maxUnpackedBytes: 1e9, maxEntries: 100 });
    expect(tooBig.message).toMatch(/over the limit of 200 bytes/);
    const tooMuch = await refusal(big, { maxBytes: 1e9, maxUnpackedBytes: 1000, maxEntries: 100 });
    expect(tooMuch.message).toMatch(/more than 1000 bytes/);
    const tooMany = await refusal(big, { maxBytes: 1e9, maxUnpackedBytes: 1e9, maxEntries: 2 });
    expect(tooMany.message).toMatch(/more than 2 entries/);
    // A header announcing 8 GiB is refused from the header alone (the bytes are not there).
    const lying = await refusal(
      makeTarball([{ path: 'package/huge.bin', content: 'x', declaredSize: 8 * 1024 ** 3 }]),
      { maxBytes: 1e9, maxUnpackedBytes: 1024 ** 3, maxEntries: 100 },
    );
    expect(lying.message).toMatch(/unpack to more than/);
  });

  it('refuses files that are not tarballs, and archives without one top folder', async () => {
    const garbage = await refusal(Buffer.from('this is not a tarball at all, just text'.repeat(40)));
    expect(garbage.message).toMatch(/not a readable tarball|empty/);
    const twoRoots = await refusal(
      makeTarball([
        { path: 'package/package.json', content: pluginPackageJson('@ops/x') },
        { path: 'other/file.js', content: '' },
      ]),
    );
    expect(twoRoots.message).toMatch(/two top-level folders/);
  });

  it('inspects without writing anything', async () => {
    const file = await archive(goodPluginTarball());
    const summary = await inspectArchive(file, 'x');
    expect(summary.entries).toBe(2);
    expect(await readdir(sandbox)).toEqual([]);
  });
});
