// A PostgreSQL store opens while other schemas of the same database come and go: another
// host's store, a test, any application sharing the database. Kysely's migrator, left to
// itself, checks for its tables by introspecting every table of every schema, naming each
// schema and table back to the server (has_schema_privilege, pg_get_serial_sequence); a
// schema dropped between the catalog scan and those calls failed the open with
// `schema "…" does not exist`, naming someone else's schema.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../../src/store/index.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers.js';

const hasPostgres = await postgresAvailable();

/** Stores opened (each on a fresh schema, then reopened) while the churn runs. */
const OPENS = 20;

describe.skipIf(!hasPostgres)('a PostgreSQL store beside schemas being dropped', () => {
  it('opens and reopens while another session creates and drops schemas in the same database', async () => {
    const churn = new pg.Client({ connectionString: POSTGRES_URL });
    await churn.connect();
    let stop = false;
    let churned = 0;
    const churning = (async () => {
      while (!stop) {
        const schema = uniqueSchema('ncf_churn');
        await churn.query(
          `CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t (id serial PRIMARY KEY, a text, b text)`,
        );
        await churn.query(`DROP SCHEMA "${schema}" CASCADE`);
        churned++;
      }
    })();
    const failures: string[] = [];
    try {
      for (let i = 0; i < OPENS; i++) {
        const schema = uniqueSchema();
        const url = `${POSTGRES_URL}?schema=${schema}`;
        try {
          const store = await openMetadataStore(url);
          await store.writePluginState('race', '1.0.0', true);
          await store.close();
          const reopened = await openMetadataStore(url);
          expect((await reopened.readPluginStates()).get('race')).toMatchObject({ enabled: true });
          await reopened.close();
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        } finally {
          await dropSchema(schema);
        }
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    // The churn really ran beside the opens (else the test would show nothing).
    expect(churned).toBeGreaterThan(OPENS);
    expect(failures).toEqual([]);
  });
});
