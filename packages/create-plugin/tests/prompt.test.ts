// The questions `npm create @nocoflo/plugin` asks in a terminal, with @clack/prompts replaced
// by scripted answers: what is asked, in which order, what is not asked again when a flag
// gave it, and that Ctrl+C writes nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const asked: string[] = [];
let answers: unknown[] = [];
const CANCEL = Symbol('cancel');

vi.mock('@clack/prompts', () => {
  const next = (options: { message: string }) => {
    asked.push(options.message);
    return Promise.resolve(answers.shift());
  };
  return {
    intro: () => {},
    cancel: () => {},
    isCancel: (value: unknown) => value === CANCEL,
    text: next,
    select: next,
  };
});

const { parseCreateArgs } = await import('../src/args.js');
const { PromptCancelled, resolveOptions } = await import('../src/prompt.js');

beforeEach(() => {
  asked.length = 0;
  answers = [];
});

describe('resolveOptions in a terminal', () => {
  it('asks for the folder, kind, name and description when no flag gives them', async () => {
    answers = ['cards', 'view', '@acme/nocoflo-cards-view', 'Rows as cards.'];
    const options = await resolveOptions(parseCreateArgs([]), true);
    expect(asked).toEqual([
      'Folder for the new plugin',
      'What does it contribute?',
      'npm package name',
      'One-line description',
    ]);
    expect(options).toEqual({
      dir: 'cards',
      kind: 'view',
      name: '@acme/nocoflo-cards-view',
      description: 'Rows as cards.',
    });
  });

  it('asks only for what the flags left out', async () => {
    answers = ['datasource', 'nocoflo-mydb-datasource'];
    const options = await resolveOptions(parseCreateArgs(['mydb', '--description', 'My database.']), true);
    expect(asked).toEqual(['What does it contribute?', 'npm package name']);
    expect(options).toMatchObject({ dir: 'mydb', kind: 'datasource', description: 'My database.' });
  });

  it('stops with PromptCancelled on Ctrl+C', async () => {
    answers = ['cards', CANCEL];
    const error = await resolveOptions(parseCreateArgs([]), true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptCancelled);
  });
});
