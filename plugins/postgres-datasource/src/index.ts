/**
 * `@nocoflo/postgres-datasource`: PostgreSQL databases as nocoflo datasources, through a
 * `pg` pool. Opens `postgres:` and `postgresql:` URLs.
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { postgresDatasource } from './factory.js';

export { PostgresDatasource } from './datasource.js';
export { openPostgres, type PostgresOpenOptions } from './definition.js';
export { postgresDatasource } from './factory.js';
export { relationName } from './introspect.js';
export { normalisePgType, type PgTypeInfo, pgTypes } from './types.js';
export { POSTGRES_URL_OPTIONS, type PostgresLocation, parsePostgresUrl } from './url.js';

/** The plugin: contributes the `postgres` datasource for `postgres:` and `postgresql:` URLs. */
export default definePlugin({ datasources: [postgresDatasource] });
