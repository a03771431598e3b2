import { describeViewConformance } from '@nocoflo/testing';
import plugin from '../src/index.js';

// The nocoflo view conformance suite: scores for tables of every shape, well-formed HTML,
// every data value escaped, empty / NULL-only / very wide tables.
describeViewConformance('list', plugin, { handles: { mixed: true, noColumns: false } });
