/**
 * Comparing what a plugin's manifest asks for (`nocoflo.permissions`) with what an operator
 * approved: install asks again only for what is new, and `PluginInfo` names what a plugin
 * asks for beyond its approval.
 */
import type { PluginPermissions } from '@nocoflo/sdk';

/** What a plugin asking for nothing gets. */
export const NO_PERMISSIONS: PluginPermissions = Object.freeze({ addons: false, fsRead: [], env: [] });

/** A manifest's permissions with defaults applied (absent: nothing). */
export function normalizePermissions(permissions: Partial<PluginPermissions> | undefined): PluginPermissions {
  return {
    addons: permissions?.addons === true,
    fsRead: [...new Set(permissions?.fsRead ?? [])],
    env: [...new Set(permissions?.env ?? [])],
  };
}

/** Each permission as a person reads it: `native addons`, `read /srv/maps`, `env TZ`. */
export function describePermissions(permissions: PluginPermissions): string[] {
  return [
    ...(permissions.addons ? ['native addons'] : []),
    ...permissions.fsRead.map((path) => `read ${path}`),
    ...permissions.env.map((name) => `env ${name}`),
  ];
}

/** Whether a plugin asks for anything at all. */
export function asksForAnything(permissions: PluginPermissions): boolean {
  return describePermissions(permissions).length > 0;
}

/**
 * What `asked` holds that `approved` does not (all of it when nothing was approved), as
 * {@link describePermissions} words it. Empty: the approval covers the request.
 */
export function permissionsBeyond(
  asked: PluginPermissions,
  approved: PluginPermissions | undefined,
): string[] {
  const granted = approved ?? NO_PERMISSIONS;
  return describePermissions({
    addons: asked.addons && !granted.addons,
    fsRead: asked.fsRead.filter((path) => !granted.fsRead.includes(path)),
    env: asked.env.filter((name) => !granted.env.includes(name)),
  });
}

/** Reads an approval sent by a client (JSON): a permissions object, or undefined when it is not one. */
export function parseApproval(value: unknown): PluginPermissions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { addons, fsRead, env } = value as Record<string, unknown>;
  const strings = (v: unknown) =>
    v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  if ((addons !== undefined && typeof addons !== 'boolean') || !strings(fsRead) || !strings(env))
    return undefined;
  return normalizePermissions({
    addons: addons === true,
    fsRead: (fsRead as string[] | undefined) ?? [],
    env: (env as string[] | undefined) ?? [],
  });
}
