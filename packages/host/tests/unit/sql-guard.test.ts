import { isNocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { checkPluginSql, splitStatements } from '../../src/namespaces/sql-guard.js';

const refused = (sql: string, dialect: 'sqlite' | 'postgres') => {
  try {
    checkPluginSql(sql, dialect, 'p', 'migrations/0001_x.sql');
    return undefined;
  } catch (error) {
    expect(isNocofloError(error, 'NCF_SQL_REFUSED')).toBe(true);
    return (error as Error).message;
  }
};

describe('the plugin SQL check', () => {
  it('refuses transaction control at the start of any statement, on both dialects', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      for (const sql of [
        'CREATE TABLE a (id int); COMMIT; DROP TABLE b;',
        'begin; select 1',
        'SELECT 1;\n-- comment\n  ROLLBACK',
        'SAVEPOINT s',
        'RELEASE s',
        'END',
        'START TRANSACTION',
      ]) {
        expect(refused(sql, dialect), sql).toMatch(/transaction control/);
      }
    }
    expect(refused("PREPARE TRANSACTION 'x'", 'postgres')).toMatch(/PREPARE TRANSACTION/);
  });

  it('refuses role changes', () => {
    expect(refused('SET ROLE postgres', 'postgres')).toMatch(/changing the role/);
    expect(refused('RESET ROLE', 'postgres')).toMatch(/changing the role/);
    expect(refused('SET SESSION AUTHORIZATION postgres', 'postgres')).toMatch(/changing the role/);
    expect(refused("SET LOCAL search_path = 'x'", 'postgres')).toBeUndefined();
  });

  it('refuses SQLite statements that reach other files, wherever they hide', () => {
    expect(refused("ATTACH DATABASE '/x/metadata.db' AS h", 'sqlite')).toMatch(/ATTACH/);
    expect(refused("SELECT 1; /* c */ attach '/x' as h", 'sqlite')).toMatch(/ATTACH/);
    expect(refused('DETACH h', 'sqlite')).toMatch(/DETACH/);
    expect(refused("VACUUM INTO '/tmp/x.db'", 'sqlite')).toMatch(/VACUUM/);
    expect(refused("SELECT load_extension('/tmp/evil.so')", 'sqlite')).toMatch(/LOAD_EXTENSION/);
  });

  it('does not take words in strings, identifiers or comments for statements', () => {
    expect(refused("INSERT INTO t VALUES ('COMMIT; ATTACH x')", 'sqlite')).toBeUndefined();
    expect(
      refused('CREATE TABLE "begin" ("attach" TEXT, [commit] INT, `end` INT)', 'sqlite'),
    ).toBeUndefined();
    expect(refused('-- COMMIT;\nSELECT 1 /* ; ROLLBACK */', 'sqlite')).toBeUndefined();
    expect(refused("SELECT E'it\\'s; COMMIT'", 'postgres')).toBeUndefined();
    expect(refused("SELECT 'a''b; COMMIT'", 'postgres')).toBeUndefined();
    expect(
      refused(
        'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN; COMMIT; RETURN 1; END $body$ LANGUAGE plpgsql;',
        'postgres',
      ),
    ).toBeUndefined();
    expect(refused('/* outer /* nested */ COMMIT; */ SELECT 1', 'postgres')).toBeUndefined();
  });

  it('keeps trigger bodies and CASE expressions inside their statement', () => {
    const trigger = `CREATE TRIGGER t AFTER INSERT ON a BEGIN
      UPDATE b SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;
      INSERT INTO c VALUES (1);
    END;
    SELECT 1;`;
    expect(refused(trigger, 'sqlite')).toBeUndefined();
    expect(splitStatements(trigger, 'sqlite').map((s) => s.words[0])).toEqual(['CREATE', 'SELECT']);
    expect(splitStatements('SELECT CASE WHEN 1 THEN 2 END; COMMIT', 'sqlite').map((s) => s.words[0])).toEqual(
      ['SELECT', 'COMMIT'],
    );
  });
});

describe('bodies cannot hide transaction control (issue #12)', () => {
  it('does not take a table or column named begin for a body', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      expect(refused('CREATE TABLE begin (x INTEGER); COMMIT;', dialect), dialect).toMatch(/COMMIT/);
      expect(refused('CREATE TABLE t (begin INTEGER);\nEND;', dialect), dialect).toMatch(/END.*line 2/);
    }
    expect(refused('CREATE VIEW v AS SELECT begin atomic FROM t; COMMIT;', 'postgres')).toMatch(/COMMIT/);
    expect(
      refused(
        'CREATE FUNCTION f() RETURNS int LANGUAGE sql RETURN (SELECT begin atomic FROM t); END;',
        'postgres',
      ),
    ).toMatch(/END/);
  });

  it('checks the statements inside a real body', () => {
    expect(refused('CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; COMMIT; END;', 'sqlite')).toMatch(
      /COMMIT/,
    );
    expect(
      refused(
        'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; ROLLBACK; END;',
        'postgres',
      ),
    ).toMatch(/ROLLBACK/);
  });

  it('accepts real bodies, and names the file and the statement when it refuses', () => {
    expect(
      refused(
        'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\nSELECT f();',
        'postgres',
      ),
    ).toBeUndefined();
    expect(
      refused(
        'CREATE TEMP TRIGGER t AFTER INSERT ON begin BEGIN UPDATE b SET n = 1; END; SELECT 1;',
        'sqlite',
      ),
    ).toBeUndefined();
    expect(refused('CREATE TABLE a (id INTEGER);\n\n  commit  ;', 'sqlite')).toBe(
      'p\'s SQL in migrations/0001_x.sql was refused: transaction control (COMMIT) is not allowed: "commit" (line 3).',
    );
  });
});
