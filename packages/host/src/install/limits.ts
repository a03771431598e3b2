/**
 * Size limits for plugin archives. An archive over any of them is refused before anything
 * is written.
 */

/** Limits applied to a plugin archive. */
export interface ArchiveLimits {
  /** Largest archive file accepted (compressed), in bytes. Default 50 MiB. */
  maxBytes: number;
  /** Largest total size of the files inside (uncompressed), in bytes. Default 200 MiB. */
  maxUnpackedBytes: number;
  /** Most entries (files, folders, links) accepted. Default 20,000. */
  maxEntries: number;
}

/** The default {@link ArchiveLimits}. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxUnpackedBytes: 200 * 1024 * 1024,
  maxEntries: 20_000,
});
