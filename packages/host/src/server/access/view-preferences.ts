/**
 * Which view a person sees per table: their own choice (kept per user), else the site
 * default an admin set, else the best view. Choosing a view with `?view=` remembers it for
 * the user; an admin adds `&default=site` to make it everyone's default.
 */
import type { AccountStore } from '../../accounts/types.js';
import type { ViewPreferences } from '../types.js';
import type { Actor } from './actor.js';
import { isAdmin } from './rules.js';

/** The view preferences of one actor, over the per-user store and the site defaults. */
export function viewPreferencesFor(
  actor: Actor,
  site: ViewPreferences,
  accounts: AccountStore,
  setSiteDefault: boolean,
): ViewPreferences {
  const userId = actor.userId;
  return {
    async readViewPreference(key) {
      const own = userId ? await accounts.readUserViewPreference(userId, key) : undefined;
      return own ?? (await site.readViewPreference(key));
    },
    async writeViewPreference(key, view) {
      if (userId) await accounts.writeUserViewPreference(userId, key, view);
      // The operator's admin token has no user: its choice is the site default, as before accounts.
      if (isAdmin(actor) && (setSiteDefault || !userId)) await site.writeViewPreference(key, view);
    },
  };
}
