import { describeViewConformance } from '@nocoflo/testing';
import plugin from '../../src/index.js';

// Every sample table with columns is offered a form (wide ones first); only the table
// without columns is declined.
describeViewConformance('form', plugin, {
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
