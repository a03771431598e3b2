import { describeViewConformance } from '@nocoflo/testing';
import plugin from '../../src/index.js';

// The SDK's view suite: scores, well-formed HTML (the SVG included), every value escaped,
// empty, NULL-only, wide and every-type tables, through a real test host.
describeViewConformance('chart-view', plugin, {
  handles: {
    mixed: true,
    textOnly: false,
    timeSeries: true,
    noColumns: false,
  },
});
