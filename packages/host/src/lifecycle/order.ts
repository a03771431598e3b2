/**
 * Dependency ordering: which plugins can start, in which order, and why the others cannot.
 * Pure: it sees names, versions and declared dependencies, never plugin code.
 */
import { Errors, NocofloError, type SerializedNocofloError } from '@nocoflo/sdk';
import satisfies from 'semver/functions/satisfies.js';

/** One plugin as ordering sees it. */
export interface OrderNode {
  name: string;
  version: string;
  dependencies: Readonly<Record<string, string>>;
  /** Why it cannot run, when discovery or an earlier step already failed it. */
  error?: SerializedNocofloError;
}

/** The start order and the failures. */
export interface OrderResult {
  /** Plugins that can start, dependencies first (ties broken by name). */
  order: string[];
  /** Plugins that cannot start, with the reason. */
  failed: Map<string, SerializedNocofloError>;
}

const asJson = (error: NocofloError) => error.toJSON();

/** Orders plugins topologically and fails those with missing, mismatched, cyclic or failed dependencies. */
export function orderPlugins(nodes: readonly OrderNode[]): OrderResult {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const failed = new Map<string, SerializedNocofloError>();
  for (const node of nodes) if (node.error) failed.set(node.name, node.error);

  // Missing dependencies and unsatisfied ranges.
  for (const node of nodes) {
    if (failed.has(node.name)) continue;
    for (const [dependency, range] of Object.entries(node.dependencies)) {
      const found = byName.get(dependency);
      if (!found) {
        failed.set(
          node.name,
          asJson(NocofloError.create(Errors.DependencyMissing, [node.name, dependency, range])),
        );
        break;
      }
      if (!satisfies(found.version, range, { includePrerelease: true })) {
        failed.set(
          node.name,
          asJson(
            NocofloError.create(Errors.DependencyVersionMismatch, [
              node.name,
              dependency,
              range,
              found.version,
            ]),
          ),
        );
        break;
      }
    }
  }

  // Cycles: every plugin on a cycle fails, naming the cycle.
  for (const cycle of findCycles(nodes, byName)) {
    const error = asJson(NocofloError.create(Errors.DependencyCycle, [[...cycle, cycle[0]!]]));
    for (const name of cycle) if (!failed.has(name)) failed.set(name, error);
  }

  // A plugin whose dependency failed fails too, naming the chain down to the root cause.
  const chainTo = (name: string, seen: Set<string>): string[] | undefined => {
    const node = byName.get(name);
    if (!node || seen.has(name)) return undefined;
    seen.add(name);
    for (const dependency of Object.keys(node.dependencies).sort()) {
      if (failed.has(dependency) && !isDependencyFailure(failed.get(dependency)!)) return [dependency];
      const rest = chainTo(dependency, seen);
      if (rest) return [dependency, ...rest];
    }
    return undefined;
  };
  for (const node of nodes) {
    if (failed.has(node.name)) continue;
    const chain = chainTo(node.name, new Set());
    if (chain) {
      const root = failed.get(chain[chain.length - 1]!)!;
      failed.set(
        node.name,
        asJson(
          NocofloError.create(Errors.DependencyFailed, [node.name, [node.name, ...chain], root.message]),
        ),
      );
    }
  }

  return { order: topologicalOrder(nodes.filter((node) => !failed.has(node.name))), failed };
}

function isDependencyFailure(error: SerializedNocofloError): boolean {
  return error.code === Errors.DependencyFailed.code;
}

/** Kahn's algorithm; among ready plugins the alphabetically first starts first. */
function topologicalOrder(nodes: readonly OrderNode[]): string[] {
  const names = new Set(nodes.map((n) => n.name));
  const remaining = new Map(
    nodes.map((n) => [n.name, Object.keys(n.dependencies).filter((d) => names.has(d)).length]),
  );
  const dependents = new Map<string, string[]>();
  for (const node of nodes) {
    for (const dependency of Object.keys(node.dependencies)) {
      if (names.has(dependency))
        dependents.set(dependency, [...(dependents.get(dependency) ?? []), node.name]);
    }
  }
  const ready = [...remaining]
    .filter(([, count]) => count === 0)
    .map(([name]) => name)
    .sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(name);
    for (const dependent of dependents.get(name) ?? []) {
      const left = remaining.get(dependent)! - 1;
      remaining.set(dependent, left);
      if (left === 0) {
        ready.push(dependent);
        ready.sort();
      }
    }
  }
  return order;
}

/** Elementary cycles found by depth-first search, each as the list of names along it. */
function findCycles(nodes: readonly OrderNode[], byName: Map<string, OrderNode>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string) => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dependency of Object.keys(byName.get(name)?.dependencies ?? {}).sort()) {
      if (!byName.has(dependency)) continue;
      const seen = state.get(dependency);
      if (seen === 'visiting') cycles.push(stack.slice(stack.indexOf(dependency)));
      else if (seen === undefined) visit(dependency);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const node of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!state.has(node.name)) visit(node.name);
  }
  return cycles;
}

/** Names of plugins that depend on `name`, directly or not, in start order. */
export function dependentsOf(name: string, nodes: readonly OrderNode[]): string[] {
  const result = new Set<string>();
  let frontier = [name];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const node of nodes) {
      if (result.has(node.name) || node.name === name) continue;
      if (frontier.some((target) => Object.hasOwn(node.dependencies, target))) {
        result.add(node.name);
        next.push(node.name);
      }
    }
    frontier = next;
  }
  return [...result];
}
