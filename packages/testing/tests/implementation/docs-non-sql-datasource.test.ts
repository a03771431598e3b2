// Runs the non-SQL datasource example of docs/writing-a-datasource-plugin.md as part of this package's tests.
import '../../../../docs/examples/non-sql-datasource/tests/array-source.test.js';
