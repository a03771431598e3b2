/**
 * The versions of the nocoflo packages released with this create-plugin, compiled in at
 * build time (see versions.config.ts): the ranges a new plugin depends on.
 */

/** Versions of the packages a new plugin depends on. */
export interface NocofloVersions {
  /** `@nocoflo/sdk`. */
  readonly sdk: string;
  /** `@nocoflo/host`: the plugin's `nocoflo.host` range and the dev server. */
  readonly host: string;
  /** `@nocoflo/testing`: the conformance suites. */
  readonly testing: string;
  /** `@nocoflo/sqlite-datasource`: what the datasource template starts from. */
  readonly sqliteDatasource: string;
}

declare const __NOCOFLO_VERSIONS__: NocofloVersions;

/** The versions released with this package. */
export const NOCOFLO_VERSIONS: NocofloVersions = __NOCOFLO_VERSIONS__;
