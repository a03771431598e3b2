// The browser files' Chromium arguments (fixtures/browser.ts `launchArgs`): the features they
// turn off join playwright-core's own `--disable-features` list instead of replacing it
// (Chromium keeps only the last `--disable-features`).
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, FEATURES_OFF, launchArgs } from '../fixtures/browser.js';

const disabled = (args: readonly string[]) =>
  args.filter((arg) => arg.startsWith('--disable-features=')).map((arg) => arg.split('=')[1]?.split(','));

describe('Chromium launch arguments', () => {
  it("keeps playwright-core's disabled features and adds the tests' own, in one switch", () => {
    const launched = [
      '--disable-field-trial-config',
      '--disable-features=HttpsUpgrades,PaintHolding,WebUIOmniboxPopup',
      '--enable-features=CDPScreenshotNewSurface',
      '--no-sandbox',
    ];
    const args = launchArgs(launched);
    expect(args.slice(0, CHROMIUM_ARGS.length)).toEqual(CHROMIUM_ARGS);
    expect(disabled(args)).toEqual([
      [
        'HttpsUpgrades',
        'PaintHolding',
        'WebUIOmniboxPopup',
        ...FEATURES_OFF.filter((f) => f !== 'WebUIOmniboxPopup'),
      ],
    ]);
    expect(args).not.toContain('--enable-features=CDPScreenshotNewSurface');
  });

  it('turns off only its own features when the launch had no list', () => {
    expect(disabled(launchArgs(['--no-sandbox']))).toEqual([FEATURES_OFF]);
  });
});
