/**
 * A nocoflo datasource plugin for `mydb:` URLs.
 *
 * It starts as a working datasource: `mydb:<file>` opens a SQLite file through
 * `@nocoflo/sqlite-datasource`. Replace `open` with your database's driver; the conformance
 * test (tests/conformance.test.ts) tells you what every method must do.
 */
import {
  type DatasourceDefinition,
  defineDatasource,
  definePlugin,
  Errors,
  NocofloError,
} from '@nocoflo/sdk';
import { openSqlite } from '@nocoflo/sqlite-datasource';

/** The URL scheme this datasource opens. */
export const SCHEME = 'mydb';

/** The datasource factory: opens `mydb:<path>` URLs. */
export const datasource: DatasourceDefinition = defineDatasource({
  name: SCHEME,
  schemes: [SCHEME],
  description: 'Opens mydb: URLs.',
  async open(url, options) {
    const path = url.slice(`${SCHEME}:`.length);
    if (!path) {
      throw NocofloError.create(Errors.ConnectionFailed, [
        url,
        'the URL names no database',
        `Write the URL as ${SCHEME}:<path to the database file>.`,
      ]);
    }
    return openSqlite(`sqlite:${path}`, options);
  },
});

/** The plugin: contributes the datasource. Name and version come from package.json. */
export default definePlugin({ datasources: [datasource] });
