/**
 * Safe extraction of a plugin archive (an `npm pack` tarball). The archive is read twice:
 * first every header is checked (paths, link targets, entry types, sizes) and the archive
 * is refused as a whole at the first bad entry; only then is it extracted, into a folder
 * of its own, with node-tar's own guards on as well. After extraction every symlink is
 * resolved once more, so a chain of links that only escapes on disk is caught too.
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { createGunzip, type Gunzip } from 'node:zlib';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { ReadEntry } from 'tar';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './limits.js';

/**
 * node-tar, loaded with the first archive: only installs read one, and every host start
 * reaches this module (the admin API and the install pipeline import it), so loading it
 * up front cost every start one large module for a feature most starts never use.
 */
const loadTar = () => import('tar');

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/** What the check of an archive found. */
export interface ArchiveSummary {
  /** The single top-level folder every entry sits in (`package` for `npm pack`). */
  root: string;
  /** Number of entries. */
  entries: number;
  /** Total uncompressed size of the files, in bytes. */
  unpackedBytes: number;
}

const reject = (source: string, reason: string, details: Record<string, unknown> = {}) =>
  NocofloError.create(Errors.InstallRejected, [source, reason], { details: { source, ...details } });

/** Whether `path` (POSIX, archive-relative) is absolute on any platform. */
function isAbsoluteArchivePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[a-z]:/i.test(path);
}

/**
 * Checks every entry of an archive without writing anything.
 *
 * @param file - The archive (`.tgz`, `.tar.gz` or `.tar`).
 * @param source - How the archive is called in messages (a spec, a file name).
 * @throws NocofloError `NCF_INSTALL_REJECTED` naming the offending entry: an absolute path, a
 * `..` segment, a link leading out of the package, a device or FIFO, entries outside one
 * top-level folder, too many entries, too many bytes, or an archive that is not a tarball.
 */
export async function inspectArchive(
  file: string,
  source: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveSummary> {
  const size = (await stat(file)).size;
  if (size > limits.maxBytes) {
    throw reject(source, `the archive is ${size} bytes, over the limit of ${limits.maxBytes} bytes`);
  }
  let root: string | undefined;
  let entries = 0;
  let unpackedBytes = 0;

  const check = (entry: ReadEntry): NocofloError | undefined => {
    const path = entry.path;
    entries++;
    if (entries > limits.maxEntries) return reject(source, `it has more than ${limits.maxEntries} entries`);
    if (!ALLOWED_TYPES.has(entry.type)) {
      return reject(
        source,
        `entry ${JSON.stringify(path)} is a ${entry.type}, which a plugin may not contain`,
        {
          entry: path,
        },
      );
    }
    if (isAbsoluteArchivePath(path)) {
      return reject(source, `entry ${JSON.stringify(path)} has an absolute path`, { entry: path });
    }
    const segments = path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
    if (segments.includes('..')) {
      return reject(source, `entry ${JSON.stringify(path)} climbs out with ".."`, { entry: path });
    }
    const top = segments[0];
    if (top === undefined)
      return reject(source, `entry ${JSON.stringify(path)} has an empty path`, { entry: path });
    root ??= top;
    if (top !== root) {
      return reject(
        source,
        `entries sit in two top-level folders (${root}/ and ${top}/); npm pack makes one`,
        {
          entry: path,
        },
      );
    }
    if (segments.length === 1 && entry.type !== 'Directory') {
      return reject(source, `entry ${JSON.stringify(path)} is not inside a top-level folder`, {
        entry: path,
      });
    }
    if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
      const target = entry.linkpath ?? '';
      if (target === '' || isAbsoluteArchivePath(target)) {
        return reject(
          source,
          `link ${JSON.stringify(path)} points to the absolute path ${JSON.stringify(target)}`,
          {
            entry: path,
          },
        );
      }
      // Symlinks resolve from their own folder; hard links from the archive root.
      const resolved =
        entry.type === 'SymbolicLink'
          ? posix.normalize(posix.join(posix.dirname(segments.join('/')), target.replaceAll('\\', '/')))
          : posix.normalize(target.replaceAll('\\', '/'));
      if (resolved !== root && !resolved.startsWith(`${root}/`)) {
        return reject(
          source,
          `link ${JSON.stringify(path)} points outside the package (${JSON.stringify(target)})`,
          {
            entry: path,
          },
        );
      }
    }
    unpackedBytes += entry.size ?? 0;
    if (unpackedBytes > limits.maxUnpackedBytes) {
      return reject(source, `its files unpack to more than ${limits.maxUnpackedBytes} bytes`);
    }
    return undefined;
  };

  // Decompressed here, as a stream on zlib's thread pool, with a byte budget: node-tar would
  // gunzip synchronously on the event loop, and a bomb (a small tar followed by gigabytes of
  // zeros) would stall every other request until it ended. The budget is what the entries
  // may unpack to plus their headers and padding; the read stops as soon as it is passed.
  const budget = limits.maxUnpackedBytes + (limits.maxEntries + 2) * 1024;
  let decompressed = 0;
  const gzipped = await isGzip(file);
  const { Parser } = await loadTar();
  await new Promise<void>((done, fail) => {
    let settled = false;
    const input = createReadStream(file);
    const tarStream: NodeJS.ReadableStream = gzipped ? input.pipe(createGunzip()) : input;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      input.destroy();
      if (tarStream !== input) (tarStream as Gunzip).destroy();
      if (error) fail(error);
      else done();
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        const problem = settled ? undefined : check(entry);
        if (problem) finish(problem);
        entry.resume();
      },
    });
    parser.on('error', (error: Error) =>
      finish(reject(source, `it is not a readable tarball (${error.message.replace(/\.$/, '')})`)),
    );
    parser.on('end', () => finish());
    input.on('error', (error) => finish(reject(source, `the archive cannot be read (${error.message})`)));
    tarStream.on('error', (error: Error) =>
      finish(reject(source, `it is not a readable gzip archive (${error.message})`)),
    );
    tarStream.on('data', (chunk: Buffer) => {
      if (settled) return;
      decompressed += chunk.length;
      if (decompressed > budget) {
        finish(
          reject(
            source,
            `it decompresses to more than ${budget} bytes (its files may unpack to ${limits.maxUnpackedBytes})`,
            {
              decompressedBytes: decompressed,
              budget,
            },
          ),
        );
        return;
      }
      parser.write(chunk);
    });
    tarStream.on('end', () => {
      if (!settled) parser.end();
    });
  });
  if (root === undefined) throw reject(source, 'the archive is empty');
  return { root, entries, unpackedBytes };
}

/** Whether the file starts with the gzip magic bytes. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Every symlink below `dir` must resolve inside `dir`. */
async function assertLinksInside(dir: string, source: string): Promise<void> {
  const base = await realpath(dir);
  const walk = async (folder: string): Promise<void> => {
    for (const name of await readdir(folder)) {
      const path = join(folder, name);
      const info = await lstat(path);
      if (info.isSymbolicLink()) {
        // A dangling link cannot be judged by where it leads (that is decided later, by
        // whatever gets created there), so it is refused too.
        const target = await realpath(path).catch(() => undefined);
        if (target === undefined) {
          throw reject(
            source,
            `link ${JSON.stringify(relative(dir, path))} points to nothing (${await readlink(path)})`,
            {
              entry: relative(dir, path),
            },
          );
        }
        const rel = relative(base, target);
        if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
          throw reject(
            source,
            `link ${JSON.stringify(relative(dir, path))} resolves outside the package (${await readlink(path)})`,
            {
              entry: relative(dir, path),
            },
          );
        }
      } else if (info.isDirectory()) {
        await walk(path);
      }
    }
  };
  await walk(dir);
}

/**
 * Checks an archive ({@link inspectArchive}) and extracts its top-level folder's contents
 * into `destination` (a new folder, whose parent exists). Nothing is written outside
 * `destination`; on any error `destination` is removed again.
 *
 * @throws NocofloError `NCF_INSTALL_REJECTED` for an unsafe or broken archive.
 */
export async function extractArchive(
  file: string,
  destination: string,
  source: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveSummary> {
  const summary = await inspectArchive(file, source, limits);
  // Not recursive: the parent must exist, so a wrong destination fails instead of creating folders.
  const { extract } = await loadTar();
  await mkdir(destination);
  try {
    try {
      await extract({
        file,
        cwd: destination,
        strip: 1,
        strict: true,
        preservePaths: false,
        preserveOwner: false,
        // Defence in depth: the headers were checked above; refuse anything odd again.
        filter: (_path, entry) => 'type' in entry && ALLOWED_TYPES.has((entry as ReadEntry).type),
      });
    } catch (error) {
      throw reject(source, `extraction failed (${(error as Error).message})`);
    }
    await assertLinksInside(destination, source);
  } catch (error) {
    await rm(destination, { recursive: true, force: true });
    throw error;
  }
  return summary;
}
