import { definePlugin } from '@nocoflo/sdk';
import { createMockView, describeViewConformance } from '@nocoflo/testing';

// The mock view passes the suite, as a bare definition and as a plugin whose view is
// registered at runtime in setup (resolved through a real test host).
describeViewConformance('mock view', createMockView(), {
  handles: { mixed: true, textOnly: true, noColumns: true, everyType: true },
});

describeViewConformance(
  'mock view plugin',
  definePlugin({
    setup(ctx) {
      ctx.registerView(createMockView({ name: 'runtime', score: (t) => (t.columns.length > 0 ? 5 : false) }));
    },
  }),
  { views: ['runtime'], handles: { mixed: true, noColumns: false } },
);
