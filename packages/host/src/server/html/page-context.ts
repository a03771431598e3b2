/**
 * Who the page being rendered is for: the page frame shows the signed-in actor with a
 * sign-out button and carries the CSRF token the page's scripts send with their writes.
 * Kept per request in AsyncLocalStorage, so the many render functions need not pass it on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../access/actor.js';

/** The viewer of a page. */
export interface PageViewer {
  /** The actor. */
  actor: Actor;
  /** Makes (once per session) the CSRF token for the page's forms and scripts. */
  csrfToken(): string;
}

const storage = new AsyncLocalStorage<PageViewer | undefined>();

/** Runs `next` (the rest of a request: its handler and error handler) with the page viewer set. */
export function withPageViewer(viewer: PageViewer | undefined, next: () => void): void {
  storage.run(viewer, next);
}

/** The viewer of the page being rendered, if anyone is signed in. */
export function currentPageViewer(): PageViewer | undefined {
  return storage.getStore();
}
