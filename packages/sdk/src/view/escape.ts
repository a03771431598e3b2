const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values. Every value that
 * comes from data must pass through this (or an equivalent) before it reaches HTML.
 *
 * Control characters that HTML forbids in a document (NUL, most C0 controls, DEL) become
 * U+FFFD, so any string yields well-formed HTML.
 *
 * @example
 * ```ts
 * import { escapeHtml } from '@nocoflo/sdk';
 *
 * const cell = (value: unknown) => `<td title="${escapeHtml(value)}">${escapeHtml(value)}</td>`;
 * cell('"><script>alert(1)</script>'); // '<td title="&quot;&gt;&lt;script&gt;…': inert text in both places
 * ```
 */
export function escapeHtml(value: unknown): string {
  return (
    String(value)
      .replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/g, '\uFFFD')
  );
}
