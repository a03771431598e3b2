/**
 * The plugin entry the host loads (package.json `nocoflo.entry`): the factory only, so
 * loading the plugin loads neither the driver nor the datasource code (see ./factory.ts).
 * The package's main entry (./index.ts) exports the same plugin with the whole API.
 */
import { definePlugin } from '@nocoflo/sdk';
import { postgresDatasource } from './factory.js';

/** The plugin: contributes the postgres datasource factory. */
export default definePlugin({ datasources: [postgresDatasource] });
