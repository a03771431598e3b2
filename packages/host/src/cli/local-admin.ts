/**
 * The demo's local admin: the first admin, created once even when several `nocoflo serve
 * --demo` hosts start at the same time on one fresh store.
 */
import { randomBytes } from 'node:crypto';
import type { AccountStore, User } from '../accounts/types.js';

/** The name of the admin the demo creates. */
export const LOCAL_ADMIN_NAME = 'admin';

/**
 * An admin of the store, created (with a random password nobody knows) when there is none.
 * Two hosts racing here both try to create the same name; the store's unique name lets one
 * win, and the other takes the winner's admin instead of failing to start.
 */
export async function ensureLocalAdmin(accounts: AccountStore): Promise<User> {
  const existing = async () => (await accounts.listUsers()).find((user) => user.role === 'admin');
  const found = await existing();
  if (found) return found;
  let admin: User;
  try {
    admin = await accounts.createUser(LOCAL_ADMIN_NAME, 'admin', randomBytes(18).toString('base64url'));
  } catch (error) {
    // Another host created it meanwhile (the name is taken, or the insert hit the unique name).
    const winner = await existing();
    if (winner) return winner;
    throw error;
  }
  await accounts.appendAudit({
    actor: 'cli',
    action: 'user.add',
    detail: { user: admin.name, role: 'admin', local: true },
  });
  return admin;
}
