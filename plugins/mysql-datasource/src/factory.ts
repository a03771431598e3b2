/**
 * The datasource factory the plugin contributes, without its driver: mysql2 is imported on
 * the first `open()`, so a host that never opens a MySQL URL never loads it (it is a
 * good part of a host's start-up time and memory otherwise).
 */
import { type DatasourceDefinition, type DatasourceOpenOptions, defineDatasource } from '@nocoflo/sdk';
import type { MysqlOpenOptions } from './definition.js';

/** The datasource factory the plugin contributes: `mysql:` and `mariadb:` URLs. */
export const mysqlDatasource: DatasourceDefinition = defineDatasource({
  name: 'mysql',
  schemes: ['mysql', 'mariadb'],
  description: 'MySQL and MariaDB (mysql2, pooled): mysql://user:password@host:3306/database',
  open: async (url: string, options: DatasourceOpenOptions) => {
    const { openMysql } = await import('./definition.js');
    return openMysql(url, options as MysqlOpenOptions);
  },
});
