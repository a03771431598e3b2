import { describeViewConformance } from '@nocoflo/testing';
import plugin from '../src/index.js';

// Runs every check of the view suite (scores, well-formed HTML, escaping, empty, NULL-only,
// wide tables, …) against the plugin, through a real test host.
describeViewConformance('cards', plugin, {
  handles: { mixed: true, noColumns: false },
});
