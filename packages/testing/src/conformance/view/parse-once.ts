/**
 * The view suite's HTML parse, remembered for the last HTML parsed: a check asks several
 * things of one render (is it well-formed, where do its links lead, which column is marked
 * sorted), and parsing a 260-row page once for each was a good part of the suite's CPU time.
 */
import { type ParsedHtml, parseHtml } from '../../html/parse.js';

let last: ParsedHtml | undefined;

/** `parseHtml(html)`, reused when the same HTML was the last one parsed (nothing changes a parse). */
export function parseOnce(html: string): ParsedHtml {
  if (last === undefined || last.html !== html) last = parseHtml(html);
  return last;
}
