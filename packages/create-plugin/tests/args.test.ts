import { isNocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { parseCreateArgs } from '../src/args.js';
import { resolveOptions } from '../src/prompt.js';

describe('the create-plugin command line', () => {
  it('takes the folder and every flag', () => {
    expect(
      parseCreateArgs([
        'acme',
        '--kind',
        'datasource',
        '--name',
        '@acme/x',
        '--description',
        'd',
        '--scheme',
        'x',
        '-y',
      ]),
    ).toEqual({
      dir: 'acme',
      kind: 'datasource',
      name: '@acme/x',
      description: 'd',
      scheme: 'x',
      yes: true,
      help: false,
    });
    expect(parseCreateArgs(['--help']).help).toBe(true);
  });

  it('refuses an unknown kind, an unknown flag and a second folder, with a hint', () => {
    for (const argv of [
      ['--kind', 'widget'],
      ['--colour', 'red'],
      ['a', 'b'],
    ]) {
      let error: unknown;
      try {
        parseCreateArgs(argv);
      } catch (e) {
        error = e;
      }
      expect(isNocofloError(error, 'NCF_SCAFFOLD_REFUSED'), String(error)).toBe(true);
      expect((error as { hint: string }).hint.length).toBeGreaterThan(0);
    }
  });

  it('with --yes takes the defaults and asks nothing', async () => {
    expect(await resolveOptions(parseCreateArgs(['--yes']), true)).toEqual({
      dir: 'my-nocoflo-plugin',
      kind: 'view',
    });
    expect(await resolveOptions(parseCreateArgs(['p', '--kind', 'datasource', '-y']), false)).toEqual({
      dir: 'p',
      kind: 'datasource',
    });
  });

  it('without a terminal, names the flags that are missing instead of waiting for an answer', async () => {
    const error = await resolveOptions(parseCreateArgs(['p']), false).catch((e: unknown) => e);
    expect(isNocofloError(error, 'NCF_SCAFFOLD_REFUSED')).toBe(true);
    expect((error as Error).message).toContain('--kind');
    // Everything given: no question needed, terminal or not.
    expect(await resolveOptions(parseCreateArgs(['p', '--kind', 'view']), false)).toEqual({
      dir: 'p',
      kind: 'view',
    });
  });
});
