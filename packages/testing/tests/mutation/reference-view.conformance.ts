// The reference view against the whole view suite (run directly by mutation.test.ts's sanity check).
import { describeViewConformance } from '@nocoflo/testing';
import { referenceView } from './reference-view.js';

describeViewConformance('reference', referenceView, { handles: { mixed: true, noColumns: false } });
