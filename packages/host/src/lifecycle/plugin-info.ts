/** Builds the public {@link PluginInfo} of a record. */
import { Errors, NocofloError, type PluginInfo } from '@nocoflo/sdk';
import type { RuntimePlacement } from '../runtime/runtime-factory.js';
import type { StoredPluginTrust } from '../store/types.js';
import { normalizePermissions, permissionsBeyond } from './permission-approval.js';
import type { PluginRecord } from './plugin-record.js';

/** A scheme claimed by several plugins. */
export interface SchemeConflict {
  scheme: string;
  plugins: string[];
}

/** What the host reports about one plugin: plain data. */
export function pluginInfo(
  record: PluginRecord,
  conflicts: readonly SchemeConflict[],
  placement: RuntimePlacement,
  trust?: StoredPluginTrust,
): PluginInfo {
  const contributions = {
    views: [] as string[],
    datasources: [] as string[],
    services: [] as string[],
    hooks: [] as string[],
  };
  for (const contribution of record.runtime?.attachedContributions() ?? []) {
    if (contribution.kind === 'view') contributions.views.push(contribution.name);
    else if (contribution.kind === 'datasource') contributions.datasources.push(contribution.name);
    else if (contribution.kind === 'service') contributions.services.push(contribution.name);
    else if (contribution.kind === 'tap') contributions.hooks.push(contribution.name);
  }
  const warnings = [...record.warnings];
  if (record.blockedBy && record.state === 'disabled')
    warnings.push(`held back: its dependency ${record.blockedBy} is not enabled`);
  for (const conflict of conflicts) {
    if (conflict.plugins.includes(record.name))
      warnings.push(NocofloError.create(Errors.SchemeConflict, [conflict.scheme, conflict.plugins]).message);
  }
  const asked = normalizePermissions(record.manifest?.permissions);
  const unapproved = trust?.approved ? permissionsBeyond(asked, trust.approved.permissions) : [];
  if (unapproved.length > 0)
    warnings.push(`asks for permissions not approved at install: ${unapproved.join(', ')}`);
  // The level the running code has; a changed setting applies at the plugin's next start.
  const isolation = record.runtime?.level ?? placement.level;
  return {
    name: record.name,
    version: record.version,
    state: record.state,
    ...(record.state === 'failed' && record.error ? { error: record.error } : {}),
    source: record.source,
    ...(record.location ? { path: record.location.dir } : {}),
    dependencies: { ...record.dependencies },
    ...(record.manifest?.displayName ? { displayName: record.manifest.displayName } : {}),
    ...(record.description ? { description: record.description } : {}),
    provides: [...(record.manifest?.provides ?? [])],
    contributions,
    permissions: [...(record.loaded?.permissions ?? record.definition?.permissions ?? [])],
    warnings,
    runtime: {
      isolation,
      isolationSource: placement.source,
      ...(isolation !== 'inline' && placement.maxHeapMb !== undefined
        ? { maxHeapMb: placement.maxHeapMb }
        : {}),
      ...(trust?.approved
        ? { approval: { version: trust.approved.version, by: trust.approved.by, at: trust.approved.at } }
        : {}),
      ...(unapproved.length > 0 ? { unapproved } : {}),
      restarts: record.health?.restarts ?? 0,
      ...(record.health?.lastError ? { lastError: record.health.lastError } : {}),
      ...(record.health?.crashLoop ? { crashLoop: true } : {}),
      permissions: asked,
    },
  };
}
