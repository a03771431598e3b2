CREATE TABLE bookmarks (
  id INTEGER PRIMARY KEY,
  table_name TEXT NOT NULL,
  note TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX bookmarks_by_table ON bookmarks (table_name);
