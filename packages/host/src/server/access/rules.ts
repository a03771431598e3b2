/**
 * Access rules: what each route needs, and whether an actor has it. Every route of the
 * server declares a rule in its Fastify route config (`config: { access }`); a route
 * without one is refused to everyone, and the route × role test fails for it.
 */
import type { Access, Role } from '../../accounts/types.js';
import type { Actor } from './actor.js';

/**
 * What a route needs:
 * - `public`: nothing (sign-in pages, static assets);
 * - `signed-in`: any actor with a role (lists, the home page);
 * - `read` / `write`: reading / writing the datasource and table named by the route's
 *   `:ds` and `:table` parameters (a role of viewer / editor, narrowed by grants);
 * - `admin`: the admin role (plugins, users, config, audit);
 * - `plugin`: decided per plugin route by its declared permission.
 */
export type RouteAccess = 'public' | 'signed-in' | 'read' | 'write' | 'admin' | 'plugin';

/** Every rule, for tests and checks. */
export const ROUTE_ACCESS: readonly RouteAccess[] = [
  'public',
  'signed-in',
  'read',
  'write',
  'admin',
  'plugin',
];

const RANK: Record<Access, number> = { none: 0, read: 1, write: 2 };

/** What a role allows on data before grants: viewers read, editors and admins write. */
function roleAccess(role: Role | undefined): Access {
  if (role === undefined) return 'none';
  return role === 'viewer' ? 'read' : 'write';
}

/**
 * What an actor may do on a datasource (and table): its role's access, narrowed by the
 * most specific grant (table grant, else datasource grant `*`). Grants never widen a role.
 */
export function dataAccess(actor: Actor, datasource: string | undefined, table?: string): Access {
  const role = roleAccess(actor.role);
  // A read-only server has no write path: nobody may write, whatever the role.
  const base = actor.readOnly && role === 'write' ? 'read' : role;
  if (datasource === undefined) return base;
  const grant =
    (table !== undefined
      ? actor.grants.find((g) => g.datasource === datasource && g.table === table)
      : undefined) ?? actor.grants.find((g) => g.datasource === datasource && g.table === '*');
  if (!grant) return base;
  return RANK[grant.access] < RANK[base] ? grant.access : base;
}

/** Whether the actor may read / write there. */
export function mayData(actor: Actor, need: 'read' | 'write', datasource?: string, table?: string): boolean {
  return RANK[dataAccess(actor, datasource, table)] >= RANK[need];
}

/** Whether the actor is an admin. */
export function isAdmin(actor: Actor): boolean {
  return actor.role === 'admin';
}

/**
 * Whether the actor holds a plugin route's permission: admins hold every one, a token the
 * ones it lists (`*`: all). A route without a permission needs a role: viewer to read
 * (GET, HEAD), editor to change anything.
 */
export function holdsPluginPermission(actor: Actor, method: string, permission: string | undefined): boolean {
  if (permission === undefined) {
    return mayData(actor, method === 'GET' || method === 'HEAD' ? 'read' : 'write');
  }
  if (isAdmin(actor)) return true;
  return actor.permissions.includes('*') || actor.permissions.includes(permission);
}
