import type { DatasourceDefinition } from './types.js';

/**
 * Declares a datasource factory. Exists for types: it returns its argument unchanged.
 *
 * @example
 * ```ts
 * import { defineDatasource } from '@nocoflo/sdk';
 * export const csv = defineDatasource({
 *   name: 'csv',
 *   schemes: ['csv'],
 *   async open(url) {
 *     return openCsv(url); // returns a Datasource
 *   },
 * });
 * declare function openCsv(url: string): Promise<import('@nocoflo/sdk').Datasource>;
 * ```
 */
export function defineDatasource<const D extends DatasourceDefinition>(definition: D): D {
  return definition;
}
