// Runs the complete example of docs/storing-plugin-data.md as part of this package's tests.
import '../../../../docs/examples/plugin-data/tests/bookmarks-plugin.test.js';
