import { describe, expect, it } from 'vitest';
import { escapeHtml, html, isSafeHtml, joinHtml, unsafeRawHtml } from '../../src/index.js';

describe('the html template', () => {
  const payload = `<img src=x onerror="alert('x')">&`;

  it('escapes every interpolated value by default', () => {
    expect(String(html`<p title="${payload}">${payload}</p>`)).toBe(
      `<p title="${escapeHtml(payload)}">${escapeHtml(payload)}</p>`,
    );
    expect(String(html`<b>${42}</b><i>${null}${undefined}${false}</i>`)).toBe('<b>42</b><i></i>');
  });

  it('nests templates and joins arrays without escaping them twice', () => {
    const items = ['a<b', 'c&d'].map((text) => html`<li>${text}</li>`);
    expect(String(html`<ul>${items}</ul>`)).toBe('<ul><li>a&lt;b</li><li>c&amp;d</li></ul>');
    expect(String(joinHtml([html`<i>1</i>`, '<2>'], html`<br>`))).toBe('<i>1</i><br>&lt;2&gt;');
  });

  it('inserts raw HTML only when asked for by name', () => {
    const raw = unsafeRawHtml('<svg></svg>');
    expect(isSafeHtml(raw)).toBe(true);
    expect(isSafeHtml('<svg></svg>')).toBe(false);
    expect(String(html`<div>${raw}</div>`)).toBe('<div><svg></svg></div>');
    // A string that looks like HTML is still text.
    expect(String(html`<div>${'<svg></svg>'}</div>`)).toBe('<div>&lt;svg&gt;&lt;/svg&gt;</div>');
  });
});
