import { Errors, NocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor, formatTable } from '../../../src/cli/plugins.js';

describe('CLI output', () => {
  it('aligns table columns to the widest cell', () => {
    expect(
      formatTable(
        ['NAME', 'STATE'],
        [
          ['a', 'enabled'],
          ['longer-name', 'failed'],
        ],
      ),
    ).toBe('NAME         STATE\na            enabled\nlonger-name  failed');
  });

  it('maps errors to exit codes by meaning', () => {
    expect(exitCodeFor(NocofloError.create(Errors.PluginNotFound, ['x', []]))).toBe(EXIT.notFound);
    expect(exitCodeFor(NocofloError.create(Errors.Unauthorized, ['no token']))).toBe(EXIT.unauthorized);
    expect(exitCodeFor(NocofloError.create(Errors.Forbidden, ['p']))).toBe(EXIT.unauthorized);
    expect(exitCodeFor(NocofloError.create(Errors.HasEnabledDependents, ['x', 'uninstall', ['y']]))).toBe(
      EXIT.conflict,
    );
    expect(exitCodeFor(NocofloError.create(Errors.PluginConfigInvalid, ['x', 'a: bad']))).toBe(EXIT.invalid);
    expect(exitCodeFor(NocofloError.create(Errors.InstallRejected, ['x', 'bad']))).toBe(EXIT.invalid);
    expect(exitCodeFor(NocofloError.create(Errors.ConnectionFailed, ['u', 'refused']))).toBe(
      EXIT.unreachable,
    );
    expect(exitCodeFor(NocofloError.create(Errors.MetadataStoreFailed, ['f', 'open', 'x']))).toBe(
      EXIT.unreachable,
    );
    expect(exitCodeFor(NocofloError.create(Errors.InstallFailed, ['x', 'y']))).toBe(EXIT.failed);
    expect(exitCodeFor(new Error('plain'))).toBe(EXIT.failed);
  });
});
