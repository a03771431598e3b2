/**
 * Who the page being sent is for: the page frame shows the signed-in actor with a sign-out
 * button and carries the CSRF token the page's scripts send with their writes.
 *
 * The frame is rendered with two markers ({@link VIEWER_MARK}, {@link CSRF_HEAD_MARK}) that
 * {@link personalisePage} replaces when the page is sent, from the request's actor. No
 * AsyncLocalStorage: on Node 20 one use of it turns promise hooks on for the whole process,
 * which made every await of the data path (rows, streams) cost about twice as much.
 */
import { html } from '@nocoflo/sdk';
import type { FastifyReply } from 'fastify';
import { HOST_ASSET_BASE } from './host-assets.js';

/** Where the frame's navigation shows the account (and, for admins, the admin links). */
const VIEWER_MARK = '<!--ncf:viewer:';
/** Where the frame's head carries the CSRF token. */
export const CSRF_HEAD_MARK = '<!--ncf:csrf-head-->';

/** The marker for the account part of the navigation, with the current section. */
export function viewerMark(section: string): string {
  return `${VIEWER_MARK}${section}-->`;
}

/** Fills the frame's markers in `page` for the request `reply` answers. */
export function personalisePage(reply: FastifyReply, page: string): string {
  const mark = page.indexOf(VIEWER_MARK);
  if (mark === -1) return page;
  const end = page.indexOf('-->', mark);
  const section = page.slice(mark + VIEWER_MARK.length, end);
  const actor = reply.request.actor;
  const viewer = actor?.role ? actor : undefined;
  const csrf = viewer ? reply.generateCsrf() : '';
  const current = (name: string) => section === name && html` aria-current="page"`;
  const adminLinks =
    viewer?.role === 'admin' &&
    html`<a href="/admin"${current('admin')}>Plugins</a><a href="/admin/users"${current('users')}>Users</a><a href="/admin/audit"${current('audit')}>Audit</a>`;
  const account = viewer
    ? html`<span class="ncf-account" data-role="${viewer.role ?? ''}">${viewer.name} <small>${viewer.role ?? ''}</small></span>${
        viewer.via === 'session' &&
        html`<form method="post" action="/sign-out" class="ncf-sign-out"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Sign out</button></form>`
      }`
    : html`<a href="/sign-in">Sign in</a>`;
  const csrfHead =
    csrf &&
    html`<meta name="nocoflo-csrf" content="${csrf}">\n<script type="module" src="${`${HOST_ASSET_BASE}csrf.js`}"></script>\n`;
  const withViewer = page.slice(0, mark) + String(html`${adminLinks}${account}`) + page.slice(end + 3);
  return withViewer.replace(CSRF_HEAD_MARK, String(html`${csrfHead}`));
}
