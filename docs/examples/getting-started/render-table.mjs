// Renders one table of a SQLite file with the best view the installed plugins offer.
// Usage: node render-table.mjs <file.db> <table>
import { resolve } from 'node:path';
import { createHost } from '@nocoflo/host';

const [file, tableName] = process.argv.slice(2);

// The host finds every installed package with the "nocoflo-plugin" keyword.
const host = await createHost({ root: process.cwd() });
await host.start();
for (const plugin of host.list()) console.log(`${plugin.name} ${plugin.version}: ${plugin.state}`);

// The sqlite: scheme is served by @nocoflo/sqlite-datasource.
const datasource = await host.datasources.open(`sqlite:${resolve(file)}`);
const table = await datasource.describeTable(tableName);

// Views that can show the table, best first: @nocoflo/table-view's "table" here.
const [best] = host.views.forTable(table);
const urls = { page: `/t/${tableName}`, rows: `/api/t/${tableName}/rows`, assets: '/assets' };
const { html } = await best.definition.render({ table, data: datasource, params: {}, urls });
console.log(`${tableName} shown by the ${best.name} view:\n${html}`);

await datasource.close();
await host.stop();
