/**
 * The portable description of the data the datasource conformance suite runs against.
 * A datasource author builds it in their database (see {@link fixtureSql} for SQL
 * databases) and hands the suite an open datasource over it.
 */
import type { ColumnType, Datasource, FilterOperator, ForeignKey, Row } from '@nocoflo/sdk';

/** One column of a fixture table. */
export interface FixtureColumn {
  /** Column name, exactly (some names are deliberately hostile: quotes, `;`, `--`, `\`). */
  readonly name: string;
  /** The normalised type `describeTable` must report for it. */
  readonly type: ColumnType;
  /** Whether NULL is allowed. */
  readonly nullable: boolean;
}

/** One table of the fixture. */
export interface FixtureTable {
  /** Table name, exactly (one table's name is deliberately hostile). */
  readonly name: string;
  /** Columns in table order. */
  readonly columns: readonly FixtureColumn[];
  /** Primary-key columns in key order (possibly composite). Never empty in the fixture. */
  readonly primaryKey: readonly string[];
  /** Foreign keys; `referencedTable` is a fixture table name. */
  readonly foreignKeys: readonly ForeignKey[];
  /**
   * Seed rows, values in the SDK's conventions (see `ColumnType`): integers as `number`
   * (or `bigint` beyond 2^53), decimals as strings, dates and timestamps as ISO strings,
   * binary as `Uint8Array`, json as a parsed value. Every column is present in every row.
   */
  readonly rows: readonly Row[];
}

/**
 * The whole fixture: tables in creation order (a referenced table comes before the
 * tables referencing it), so creating and seeding them in array order never breaks a
 * foreign key.
 */
export interface ConformanceFixture {
  /** Tables in creation order. */
  readonly tables: readonly FixtureTable[];
}

/**
 * What {@link DatasourceConformanceOptions.create} may return instead of a bare
 * datasource: the datasource plus how it names fixture tables and how to clean up.
 */
export interface ConformanceSubject {
  /** An open, writable datasource over a database holding exactly the fixture. */
  readonly datasource: Datasource;
  /**
   * How the datasource names a fixture table, e.g. schema-qualified
   * (`(t) => \`ncf_test_1.${t}\``) when the fixture lives outside the default schema.
   * Default: the fixture name unchanged.
   */
  readonly tableName?: (fixtureTable: string) => string;
  /**
   * Runs after each check, after the suite has closed the datasource (drop the schema,
   * delete the file). Errors here fail the check.
   */
  readonly cleanup?: () => void | Promise<void>;
}

/** Limits of a database that the suite must respect instead of failing on. */
export interface ConformanceLimits {
  /**
   * Significant digits a `decimal` column keeps exactly. Default 30. SQLite's NUMERIC
   * affinity keeps 15, so a SQLite datasource declares 15.
   */
  readonly decimalDigits?: number;
}

/**
 * What the datasource under test can do, as far as the suite needs to know. Each field
 * left out is read from the datasource's own `capabilities` (`write`, `stream`,
 * `aggregate`, `sort`, `filterOperators`), and means "can" when it says nothing.
 *
 * A check that needs what the datasource cannot do does not apply: instead it checks that
 * the datasource refuses it the documented way (writes with `NCF_READ_ONLY`, the rest with
 * `NCF_UNSUPPORTED`) and changes nothing, and the suite lists it with the reason.
 */
export interface DatasourceConformanceCapabilities {
  /**
   * Writes are refused. Declared here (not only read from the datasource), it also makes
   * the suite hand `create` a fixture with the rows the write checks would have inserted
   * (value round-trips, hostile values), so that your setup seeds them and those checks
   * read them back instead of being left out.
   */
  readonly readOnly?: boolean;
  /** `stream()` reads every row. */
  readonly stream?: boolean;
  /** `aggregate()` runs aggregates. */
  readonly aggregate?: boolean;
  /** Reads sort on any column of the fixture (multi-column, both directions). */
  readonly sort?: boolean;
  /** The filter operators reads support on the fixture's columns. */
  readonly filters?: readonly FilterOperator[];
  /**
   * Whether text filters ignore case unless they say `caseSensitive: true` (the SDK's
   * meaning, and the default). False for a source that only matches case-sensitively: the
   * checks then expect case-sensitive matches from every text filter.
   */
  readonly caseInsensitiveText?: boolean;
  /** Reads and aggregates take filter groups (`{ or }`, `{ and }`). */
  readonly filterGroups?: boolean;
  /** Reads and aggregates take a quick `search` text on tables that report `search`. */
  readonly search?: boolean;
  /**
   * `update` and `delete` honour `{ ifVersion }`: the version check and the write are one
   * atomic step in the database (`capabilities.conditionalWrites`).
   */
  readonly conditionalWrites?: boolean;
}

/** How {@link describeDatasourceConformance} gets a datasource to test. */
export interface DatasourceConformanceOptions {
  /**
   * Builds `fixture` in a fresh database (nothing else in it that the datasource lists
   * under the fixture's names) and returns a datasource opened on it: the setup function
   * through which every row reaches the datasource. Called before every check, so checks
   * that write never see each other's changes. The suite closes the datasource after the
   * check (the close check closes it itself).
   */
  create(fixture: ConformanceFixture): Promise<Datasource | ConformanceSubject>;
  /** What the datasource can do, where it cannot do everything (see {@link DatasourceConformanceCapabilities}). */
  readonly capabilities?: DatasourceConformanceCapabilities;
  /** Limits of the database. */
  readonly limits?: ConformanceLimits;
  /**
   * Time limit for one check, and for the hooks that create and close its datasource, in ms.
   * Default 10 minutes: only a hang reaches it.
   */
  readonly timeoutMs?: number;
}
