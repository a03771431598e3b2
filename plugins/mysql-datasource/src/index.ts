/**
 * `@nocoflo/mysql-datasource`: MySQL and MariaDB databases as nocoflo datasources, through a
 * `mysql2` pool. Opens `mysql:` and `mariadb:` URLs.
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { mysqlDatasource } from './factory.js';

export { MysqlDatasource, type MysqlServerInfo } from './datasource.js';
export { type MysqlOpenOptions, openMysql } from './definition.js';
export { isOrderable, mysqlDialect, SESSION_SQL } from './dialect.js';
export { mysqlDatasource } from './factory.js';
export { enumLabels, type MysqlColumnType, normaliseMysqlType, rowDecoder } from './types.js';
export { MYSQL_URL_OPTIONS, type MysqlLocation, parseMysqlUrl, redactMysqlUrl } from './url.js';

/** The plugin: contributes the `mysql` datasource for `mysql:` and `mariadb:` URLs. */
export default definePlugin({ datasources: [mysqlDatasource] });
