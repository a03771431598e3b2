import { parseHtml, queryAll, queryOne, textOf } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import { liveInjections } from '../../src/conformance/view/inert.js';

describe('parseHtml', () => {
  it('accepts well-formed fragments, including omitted optional end tags and void elements', () => {
    expect(parseHtml('<table><tr><td>a<td>b</table><br><img src="x"><p>one<p>two').problems).toEqual([]);
  });

  it('reports elements that are never closed', () => {
    const { problems } = parseHtml('<div class="a"><span>text</div>');
    expect(problems.map((p) => p.code)).toContain('unclosed-element');
    expect(problems[0]).toMatchObject({ line: 1 });
  });

  it('reports end tags that close nothing, but not text that looks like one inside script', () => {
    expect(parseHtml('<p>a</p></div>').problems.map((p) => p.code)).toEqual(['stray-end-tag']);
    expect(parseHtml('<div><script>let s = "</b>";</script></div>').problems).toEqual([]);
    expect(parseHtml('<table><tr><td>x</td></tr></table></td>').problems.map((p) => p.code)).toEqual([
      'stray-end-tag',
    ]);
  });

  it('reports parse5 tokenizer errors', () => {
    expect(parseHtml('<a href="x"y="z">t</a>').problems.map((p) => p.code)).toContain(
      'missing-whitespace-between-attributes',
    );
  });

  it('queries with CSS selectors and decodes text', () => {
    const html =
      '<table class="grid"><tr><th>name</th></tr><tr><td data-col="name">&lt;b&gt; &amp; co</td></tr></table>';
    expect(queryAll(html, 'table.grid td[data-col=name]')).toHaveLength(1);
    expect(textOf(queryOne(html, 'td')!)).toBe('<b> & co');
    expect(queryOne(html, 'tfoot')).toBeNull();
  });
});

describe('liveInjections', () => {
  it('finds data that became markup, and ignores escaped data', () => {
    const live = parseHtml(
      '<td><img src=x onerror=ncfxss(2)></td><script>ncfxss(1)</script><a href="javascript:ncfxss()">x</a><ncfxss-5></ncfxss-5>',
    );
    expect(liveInjections(live, 'ncfxss')).toHaveLength(4);
    const inert = parseHtml(
      '<td title="&quot;&gt;&lt;svg onload=ncfxss(3)&gt;">&lt;script&gt;ncfxss(1)&lt;/script&gt;</td><a href="/x?q=ncfxss">x</a>',
    );
    expect(liveInjections(inert, 'ncfxss')).toEqual([]);
  });
});
