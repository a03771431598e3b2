/**
 * Finds data that escaped into live markup: elements, event-handler attributes, script or
 * style content or `javascript:` URLs that carry the hostile payload marker.
 */
import type { AnyNode, Element } from 'domhandler';
import type { ParsedHtml } from '../../html/parse.js';
import { textOf } from '../../html/parse.js';

const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'data']);

function elements(node: AnyNode, out: Element[] = []): Element[] {
  if ('attribs' in node) out.push(node as Element);
  if ('children' in node) for (const child of node.children) elements(child, out);
  return out;
}

/** Descriptions of every place where `token` is live markup rather than text; empty when inert. */
export function liveInjections(parsed: ParsedHtml, token: string): string[] {
  const found: string[] = [];
  for (const element of elements(parsed.root)) {
    const at = element.sourceCodeLocation ? ` (line ${element.sourceCodeLocation.startLine})` : '';
    if (element.name.includes(token)) found.push(`an element <${element.name}> was created from data${at}`);
    if ((element.name === 'script' || element.name === 'style') && textOf(element).includes(token)) {
      found.push(`data runs inside a <${element.name}> element${at}`);
    }
    for (const [name, value] of Object.entries(element.attribs)) {
      if (name.includes(token))
        found.push(`an attribute ${JSON.stringify(name)} was created from data on <${element.name}>${at}`);
      if (name.startsWith('on') && value.includes(token))
        found.push(`data runs in the event handler ${name} of <${element.name}>${at}`);
      if (URL_ATTRIBUTES.has(name) && /^\s*javascript:/i.test(value) && value.includes(token)) {
        found.push(`data became a javascript: URL in ${name} of <${element.name}>${at}`);
      }
    }
  }
  return found;
}
