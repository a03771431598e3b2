/** Builds the public {@link PluginInfo} of a record. */
import { Errors, type IsolationLevel, NocofloError, type PluginInfo } from '@nocoflo/sdk';
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
  isolation: IsolationLevel,
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
      isolation: record.runtime?.level ?? isolation,
      restarts: record.health?.restarts ?? 0,
      ...(record.health?.lastError ? { lastError: record.health.lastError } : {}),
      ...(record.health?.crashLoop ? { crashLoop: true } : {}),
      permissions: {
        addons: record.manifest?.permissions?.addons ?? false,
        fsRead: [...(record.manifest?.permissions?.fsRead ?? [])],
        env: [...(record.manifest?.permissions?.env ?? [])],
      },
    },
  };
}
