import { describeViewConformance } from '@nocoflo/testing';
import plugin from '../../src/index.js';

// The SDK's view suite: scores, well-formed HTML, every value escaped, empty, NULL-only,
// wide and every-type tables, through a real test host.
describeViewConformance('table-view', plugin, {
  handles: {
    mixed: true,
    textOnly: true,
    noPrimaryKey: true,
    compositeKey: true,
    timeSeries: true,
    everyType: true,
    wide: true,
    noColumns: false,
    readOnlyView: true,
  },
});
