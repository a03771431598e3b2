/**
 * Parses rendered HTML with parse5 (the WHATWG parser browsers follow) into a DOM that CSS
 * selectors can query, and collects everything wrong with it: parse errors reported by
 * parse5 and elements that are opened but never closed.
 */
import { selectAll, selectOne } from 'css-select';
import type { AnyNode, Document, Element } from 'domhandler';
import { textContent } from 'domutils';
import { parseFragment } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { endTagTokens } from './end-tags.js';

/** One problem found in a piece of HTML. */
export interface HtmlProblem {
  /** parse5 error code (e.g. `duplicate-attribute`), `unclosed-element` or `stray-end-tag`. */
  readonly code: string;
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly col: number;
  /** The source around it, for failure messages. */
  readonly excerpt: string;
}

/** A parsed HTML fragment. */
export interface ParsedHtml {
  /** The source. */
  readonly html: string;
  /** The fragment's root (a domhandler `Document`). */
  readonly root: Document;
  /** Parse errors and unclosed elements; empty for well-formed HTML. */
  readonly problems: readonly HtmlProblem[];
}

// Elements that never have an end tag, and those whose end tag HTML lets authors omit.
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const OPTIONAL_END = new Set([
  'html',
  'head',
  'body',
  'p',
  'li',
  'dt',
  'dd',
  'option',
  'optgroup',
  'rb',
  'rt',
  'rtc',
  'rp',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'colgroup',
  'caption',
]);

function excerpt(html: string, offset: number): string {
  return html.slice(Math.max(0, offset - 30), offset + 30).replace(/\s+/g, ' ');
}

function walk(node: AnyNode, visit: (element: Element) => void): void {
  if ('attribs' in node) visit(node as Element);
  if ('children' in node) for (const child of node.children) walk(child, visit);
}

/**
 * Parses an HTML fragment (as a view's `render` returns it) and reports its problems.
 *
 * @example
 * ```ts
 * import { formatHtmlProblems, parseHtml, queryAll, queryOne, textOf } from '@nocoflo/testing';
 * import { expect, it } from 'vitest';
 * declare function renderList(names: string[]): string; // the code under test
 *
 * it('renders one item per row, well-formed', () => {
 *   const parsed = parseHtml(renderList(['Ada', 'Grace']));
 *   expect(parsed.problems, formatHtmlProblems(parsed.problems)).toEqual([]);
 *   expect(queryAll(parsed, 'li').map((li) => textOf(li))).toEqual(['Ada', 'Grace']);
 *   expect(queryOne(parsed, 'ul')?.attribs.class).toBe('list');
 * });
 * ```
 */
export function parseHtml(html: string): ParsedHtml {
  const problems: HtmlProblem[] = [];
  const root = parseFragment(html, {
    treeAdapter: adapter,
    sourceCodeLocationInfo: true,
    onParseError: (error) =>
      problems.push({
        code: error.code,
        line: error.startLine,
        col: error.startCol,
        excerpt: excerpt(html, error.startOffset),
      }),
  }) as Document;
  const keptEndTags = new Set<number>();
  walk(root, (element) => {
    const location = element.sourceCodeLocation;
    if (location?.endTag) keptEndTags.add(location.endTag.startOffset);
    // Elements the parser inserted itself (no location) and elements written in the source
    // with an end tag are fine; a non-void element from the source without one is unclosed.
    if (!location || location.endTag || VOID.has(element.name) || OPTIONAL_END.has(element.name)) return;
    if (location.startTag) {
      problems.push({
        code: 'unclosed-element',
        line: location.startTag.startLine,
        col: location.startTag.startCol,
        excerpt: `<${element.name}> ${excerpt(html, location.startTag.startOffset)}`,
      });
    }
  });
  for (const tag of endTagTokens(html)) {
    // `</br>` and `</p>` create elements of their own; any other end tag the tree did not keep closed nothing.
    if (keptEndTags.has(tag.startOffset) || tag.name === 'br' || tag.name === 'p') continue;
    problems.push({
      code: 'stray-end-tag',
      line: tag.line,
      col: tag.col,
      excerpt: `</${tag.name}> ${excerpt(html, tag.startOffset)}`,
    });
  }
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  return { html, root, problems };
}

/**
 * Formats problems one per line, for failure messages.
 *
 * @example
 * ```ts
 * import { formatHtmlProblems, parseHtml } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * const { problems } = parseHtml('<ul><li>one</li><li>two</ul></div>');
 * console.log(formatHtmlProblems(problems)); // one line per problem: "1:… stray-end-tag near …"
 * expect(problems.map((p) => p.code)).toContain('stray-end-tag');
 * ```
 */
export function formatHtmlProblems(problems: readonly HtmlProblem[]): string {
  return problems.map((p) => `  ${p.line}:${p.col} ${p.code} near ${JSON.stringify(p.excerpt)}`).join('\n');
}

function rootOf(html: string | ParsedHtml): Document {
  return typeof html === 'string' ? parseHtml(html).root : html.root;
}

/**
 * Every element matching a CSS selector.
 *
 * @example
 * ```ts
 * import { queryAll } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 * declare const html: string; // what the view rendered
 *
 * expect(queryAll(html, 'tbody > tr')).toHaveLength(3);
 * expect(queryAll(html, 'a[href*="cursor="]').map((a) => a.attribs.href)).not.toEqual([]);
 * ```
 */
export function queryAll(html: string | ParsedHtml, selector: string): Element[] {
  return selectAll<AnyNode, Element>(selector, rootOf(html));
}

/**
 * The first element matching a CSS selector, or null.
 *
 * @example
 * ```ts
 * import { queryOne } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 * declare const html: string; // what the view rendered
 *
 * expect(queryOne(html, 'th[aria-sort]')?.attribs['aria-sort']).toBe('descending');
 * expect(queryOne(html, 'script')).toBeNull(); // inline scripts are refused by the page's CSP anyway
 * ```
 */
export function queryOne(html: string | ParsedHtml, selector: string): Element | null {
  return selectOne<AnyNode, Element>(selector, rootOf(html));
}

/**
 * The text content of a node (entities decoded), e.g. of a table cell.
 *
 * @example
 * ```ts
 * import { queryAll, textOf } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * const cells = queryAll('<table><tr><td>a &amp; b</td><td><em>NULL</em></td></tr></table>', 'td');
 * expect(cells.map((td) => textOf(td))).toEqual(['a & b', 'NULL']); // entities decoded, markup dropped
 * ```
 */
export function textOf(node: AnyNode | AnyNode[]): string {
  return textContent(node);
}
