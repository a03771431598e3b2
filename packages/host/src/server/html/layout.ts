/**
 * The page frame every HTML page of the web app shares: header with navigation, the
 * host's stylesheet, the page's own stylesheets and scripts.
 */
import { html, joinHtml, type SerializedNocofloError, unsafeRawHtml } from '@nocoflo/sdk';
import { HOST_ASSET_BASE } from './host-assets.js';
import { CSRF_HEAD_MARK, viewerMark } from './page-context.js';

/** What a page puts into the frame. */
export interface PageInput {
  /** Document title (the app name is appended). */
  title: string;
  /** Body HTML (already escaped). */
  body: string;
  /** Breadcrumbs after "nocoflo": label and link (the last one is the current page). */
  crumbs?: readonly { label: string; href?: string }[];
  /** Stylesheet URLs. */
  styles?: readonly string[];
  /** Module script URLs, in order. */
  scripts?: readonly string[];
  /** Which top-level section is current. */
  section?: 'data' | 'admin' | 'users' | 'audit';
}

/** Renders a full HTML document. */
export function renderPage({
  title,
  body,
  crumbs = [],
  styles = [],
  scripts = [],
  section = 'data',
}: PageInput): string {
  const crumbHtml = joinHtml(
    crumbs.map((c) =>
      c.href ? html`<a href="${c.href}">${c.label}</a>` : html`<span aria-current="page">${c.label}</span>`,
    ),
    html`<span class="ncf-sep">/</span>`,
  );
  const links = [`${HOST_ASSET_BASE}host.css`, ...styles].map(
    (href) => html`<link rel="stylesheet" href="${href}">\n`,
  );
  const scriptTags = scripts.map((src) => html`<script type="module" src="${src}"></script>\n`);
  const current = (name: string) => section === name && html` aria-current="page"`;
  // The account part and the CSRF token are filled in when the page is sent (page-context.ts).
  const csrfHead = unsafeRawHtml(CSRF_HEAD_MARK);
  const account = unsafeRawHtml(viewerMark(section));
  // The body was built by the pages with the same template: inserted as it is.
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · nocoflo</title>
<link rel="icon" href="data:,">
${csrfHead}${links}</head>
<body>
<header class="ncf-header">
<a class="ncf-brand" href="/">nocoflo</a>
<nav class="ncf-crumbs" aria-label="Breadcrumbs">${crumbHtml}</nav>
<nav class="ncf-top" aria-label="Sections"><a href="/"${current('data')}>Data</a>${account}</nav>
</header>
<main class="ncf-main">
${unsafeRawHtml(body)}
</main>
${scriptTags}</body>
</html>`);
}

/** An error as a box a person can act on: title, message, hint. */
export function renderErrorBox(error: SerializedNocofloError): string {
  return String(html`<div class="ncf-error" role="alert" data-code="${error.code}">
<strong>${error.title}</strong> <code>${error.code}</code>
<p>${error.message}</p>
<p class="ncf-hint">${error.hint}</p>
</div>`);
}
