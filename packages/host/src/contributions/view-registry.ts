/**
 * Views contributed by enabled plugins, and the choice of the best one for a table.
 */
import {
  Errors,
  errorMessage,
  isNocofloError,
  NocofloError,
  type NocofloHooks,
  type TableSchema,
  type ViewDefinition,
  type ViewRenderInput,
} from '@nocoflo/sdk';
import { TimeoutError, withTimeout } from '../lifecycle/timeout.js';
import type { ResolvedView, ViewRegistry } from '../types.js';

interface ViewEntry {
  plugin: string;
  pluginPath?: string;
  definition: ViewDefinition;
  /** The definition with `render` run under the host's timeout and errors made NocofloErrors. */
  guarded: ViewDefinition;
}

/** Called when a view's `canHandle` throws; the host fails the plugin. */
export type ViewErrorHandler = (plugin: string, error: unknown) => void;

/** The host's view registry. */
export class ViewRegistryImpl implements ViewRegistry {
  readonly #entries = new Map<string, ViewEntry>();

  constructor(
    private readonly hooks: NocofloHooks,
    private readonly onError: ViewErrorHandler,
    private readonly timeoutMs: number,
  ) {}

  /** Adds a view; throws `NCF_CONTRIBUTION_CONFLICT` when another plugin has the name. */
  add(plugin: string, definition: ViewDefinition, pluginPath?: string): void {
    const existing = this.#entries.get(definition.name);
    if (existing && existing.definition !== definition) {
      throw NocofloError.create(Errors.ContributionConflict, [
        'view',
        definition.name,
        existing.plugin,
        plugin,
      ]);
    }
    this.#entries.set(definition.name, {
      plugin,
      ...(pluginPath ? { pluginPath } : {}),
      definition,
      guarded: this.guard(plugin, definition),
    });
  }

  /** Removes a view if `plugin` owns it. */
  remove(plugin: string, definition: ViewDefinition): void {
    const existing = this.#entries.get(definition.name);
    if (existing?.plugin === plugin && existing.definition === definition)
      this.#entries.delete(definition.name);
  }

  forTable(table: TableSchema): ResolvedView[] {
    const scored: ResolvedView[] = [];
    for (const [name, entry] of this.#entries) {
      let score: number | false;
      try {
        score = entry.definition.canHandle(table);
      } catch (error) {
        this.onError(entry.plugin, error);
        continue;
      }
      if (typeof score !== 'number' || !Number.isFinite(score) || score <= 0) continue;
      scored.push(this.resolve(name, entry, score));
    }
    scored.sort(
      (a, b) =>
        b.score - a.score ||
        (b.definition.priority ?? 0) - (a.definition.priority ?? 0) ||
        a.name.localeCompare(b.name),
    );
    if (!this.hooks.viewCandidates.isUsed()) return scored;
    const byName = new Map(scored.map((view) => [view.name, view]));
    const candidates = this.hooks.viewCandidates.call(
      scored.map((view) => ({ view: view.name, plugin: view.plugin, score: view.score })),
      Object.freeze({ table }),
    );
    return (Array.isArray(candidates) ? candidates : [])
      .map((candidate) => byName.get(candidate.view))
      .filter((view): view is ResolvedView => view !== undefined);
  }

  list(): ResolvedView[] {
    return [...this.#entries]
      .map(([name, entry]) => this.resolve(name, entry, 0))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private resolve(name: string, entry: ViewEntry, score: number): ResolvedView {
    return {
      name,
      title: entry.definition.title,
      plugin: entry.plugin,
      ...(entry.pluginPath ? { pluginPath: entry.pluginPath } : {}),
      score,
      definition: entry.guarded,
    };
  }

  private guard(plugin: string, definition: ViewDefinition): ViewDefinition {
    const timeoutMs = this.timeoutMs;
    return {
      ...definition,
      async render(input: ViewRenderInput) {
        try {
          return await withTimeout(() => definition.render(input), timeoutMs);
        } catch (error) {
          if (isNocofloError(error)) throw error;
          if (error instanceof TimeoutError) {
            throw NocofloError.create(Errors.PluginCallbackTimeout, [
              plugin,
              `view "${definition.name}" render`,
              timeoutMs,
            ]);
          }
          throw NocofloError.create(
            Errors.PluginCallbackFailed,
            [plugin, `view "${definition.name}" render`, errorMessage(error)],
            {
              cause: error,
            },
          );
        }
      },
    };
  }
}
