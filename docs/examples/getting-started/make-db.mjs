// Writes a small SQLite database to browse. Usage: node make-db.mjs <file.db>
import Database from 'better-sqlite3';

const db = new Database(process.argv[2]);
db.exec(`
  CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born DATE);
  INSERT INTO people (id, name, born) VALUES
    (1, 'Ada Lovelace', '1815-12-10'),
    (2, '<Grace Hopper>', '1906-12-09'),
    (3, 'Édouard Lucas', NULL);
`);
db.close();
