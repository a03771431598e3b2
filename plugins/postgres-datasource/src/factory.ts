/**
 * The datasource factory the plugin contributes, without its driver: pg and pg-cursor are imported on
 * the first `open()`, so a host that never opens a PostgreSQL URL never loads it (it is a
 * good part of a host's start-up time and memory otherwise).
 */
import { type DatasourceDefinition, type DatasourceOpenOptions, defineDatasource } from '@nocoflo/sdk';

/** The datasource factory the plugin contributes: `postgres:` and `postgresql:` URLs. */
export const postgresDatasource: DatasourceDefinition = defineDatasource({
  name: 'postgres',
  schemes: ['postgres', 'postgresql'],
  description: 'PostgreSQL (pg, pooled): postgres://user:password@host:5432/database?sslmode=require',
  open: async (url: string, options: DatasourceOpenOptions) => {
    const { openPostgres } = await import('./definition.js');
    return openPostgres(url, options);
  },
});
