// Runs the complete example of docs/testing-a-plugin.md as part of this package's tests.
import '../../../../docs/examples/testing/tests/guard-plugin.test.js';
