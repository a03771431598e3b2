/** Matchers on rendered HTML: well-formedness and CSS-selector queries. */
import type { MatcherResult as ExpectationResult, MatcherState } from 'vitest';
import { formatHtmlProblems, parseHtml, queryAll, textOf } from '../html/parse.js';
import { htmlOf } from './received.js';

function notHtml(name: string): ExpectationResult {
  return { pass: false, message: () => `${name}: expected an HTML string or a render result { html }` };
}

function preview(html: string): string {
  return html.length > 400 ? `${html.slice(0, 400)}…` : html;
}

/** `expect(html).toBeWellFormedHtml()`: parse5 reports no error and every element is closed. */
export function toBeWellFormedHtml(this: MatcherState, received: unknown): ExpectationResult {
  const html = htmlOf(received);
  if (html === undefined) return notHtml('toBeWellFormedHtml');
  const { problems } = parseHtml(html);
  const pass = problems.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? 'expected HTML with problems, but it is well-formed'
        : `expected well-formed HTML; problems:\n${formatHtmlProblems(problems)}`,
  };
}

/** `expect(html).toHaveElement(selector)`: at least one element matches the CSS selector. */
export function toHaveElement(this: MatcherState, received: unknown, selector: string): ExpectationResult {
  const html = htmlOf(received);
  if (html === undefined) return notHtml('toHaveElement');
  const count = queryAll(html, selector).length;
  const pass = count > 0;
  return {
    pass,
    message: () =>
      pass
        ? `expected no element matching ${JSON.stringify(selector)}, found ${count}`
        : `expected an element matching ${JSON.stringify(selector)} in:\n${preview(html)}`,
  };
}

/** `expect(html).toHaveElementCount(selector, n)`: exactly `n` elements match. */
export function toHaveElementCount(
  this: MatcherState,
  received: unknown,
  selector: string,
  expected: number,
): ExpectationResult {
  const html = htmlOf(received);
  if (html === undefined) return notHtml('toHaveElementCount');
  const count = queryAll(html, selector).length;
  const pass = count === expected;
  return {
    pass,
    actual: count,
    expected,
    message: () =>
      `expected ${pass ? 'not ' : ''}${expected} element(s) matching ${JSON.stringify(selector)}, found ${count}`,
  };
}

/** `expect(html).toHaveElementText(selector, text)`: some matching element's trimmed text equals `text` (or matches the RegExp). */
export function toHaveElementText(
  this: MatcherState,
  received: unknown,
  selector: string,
  expected: string | RegExp,
): ExpectationResult {
  const html = htmlOf(received);
  if (html === undefined) return notHtml('toHaveElementText');
  const texts = queryAll(html, selector).map((e) => textOf(e).trim());
  const pass = texts.some((t) => (expected instanceof RegExp ? expected.test(t) : t === expected));
  return {
    pass,
    message: () =>
      `expected ${pass ? 'no' : 'an'} element matching ${JSON.stringify(selector)} with text ${String(expected instanceof RegExp ? expected : JSON.stringify(expected))}; texts: ${texts.length ? JSON.stringify(texts) : '(no element matches)'}`,
  };
}
