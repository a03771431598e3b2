/**
 * The page frame every HTML page of the web app shares: header with navigation, the
 * host's stylesheet, the page's own stylesheets and scripts.
 */
import { escapeHtml, type SerializedNocofloError } from '@nocoflo/sdk';
import { HOST_ASSET_BASE } from './host-assets.js';
import { currentPageViewer } from './page-context.js';

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
  const crumbHtml = crumbs
    .map((c) =>
      c.href
        ? `<a href="${escapeHtml(c.href)}">${escapeHtml(c.label)}</a>`
        : `<span aria-current="page">${escapeHtml(c.label)}</span>`,
    )
    .join('<span class="ncf-sep">/</span>');
  const links = [`${HOST_ASSET_BASE}host.css`, ...styles]
    .map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`)
    .join('\n');
  const scriptTags = scripts
    .map((src) => `<script type="module" src="${escapeHtml(src)}"></script>`)
    .join('\n');
  const current = (name: string) => (section === name ? ' aria-current="page"' : '');
  const viewer = currentPageViewer();
  const csrf = viewer ? viewer.csrfToken() : '';
  const isAdmin = viewer?.actor.role === 'admin';
  const adminLinks = isAdmin
    ? `<a href="/admin"${current('admin')}>Plugins</a><a href="/admin/users"${current('users')}>Users</a><a href="/admin/audit"${current('audit')}>Audit</a>`
    : '';
  const account = viewer
    ? `<span class="ncf-account" data-role="${escapeHtml(viewer.actor.role ?? '')}">${escapeHtml(viewer.actor.name)} <small>${escapeHtml(viewer.actor.role ?? '')}</small></span>${
        viewer.actor.via === 'session'
          ? `<form method="post" action="/sign-out" class="ncf-sign-out"><input type="hidden" name="_csrf" value="${escapeHtml(csrf)}"><button type="submit">Sign out</button></form>`
          : ''
      }`
    : '<a href="/sign-in">Sign in</a>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · nocoflo</title>
<link rel="icon" href="data:,">
${csrf ? `<meta name="nocoflo-csrf" content="${escapeHtml(csrf)}">\n<script type="module" src="${HOST_ASSET_BASE}csrf.js"></script>\n` : ''}${links}
</head>
<body>
<header class="ncf-header">
<a class="ncf-brand" href="/">nocoflo</a>
<nav class="ncf-crumbs" aria-label="Breadcrumbs">${crumbHtml}</nav>
<nav class="ncf-top"><a href="/"${current('data')}>Data</a>${adminLinks}${account}</nav>
</header>
<main class="ncf-main">
${body}
</main>
${scriptTags}
</body>
</html>`;
}

/** An error as a box a person can act on: title, message, hint. */
export function renderErrorBox(error: SerializedNocofloError): string {
  return `<div class="ncf-error" role="alert" data-code="${escapeHtml(error.code)}">
<strong>${escapeHtml(error.title)}</strong> <code>${escapeHtml(error.code)}</code>
<p>${escapeHtml(error.message)}</p>
<p class="ncf-hint">${escapeHtml(error.hint)}</p>
</div>`;
}
