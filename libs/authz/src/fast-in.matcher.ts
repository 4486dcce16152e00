import { buildMongoQueryMatcher, type ConditionsMatcher, type MongoQuery } from '@casl/ability';

interface InNode {
  field: string;
  value: unknown[];
}
interface InterpretContext {
  get: (object: unknown, field: string) => unknown;
}

const setsByNode = new WeakMap<InNode, Set<unknown>>();

/**
 * `$in` as a hash lookup. CASL's default `$in` scans the array, so a user
 * bound in 1,000 workspaces would pay 1,000 comparisons per check; the Set is
 * built once per compiled condition and kept for the node's lifetime.
 */
function inSet(node: InNode, object: unknown, { get }: InterpretContext): boolean {
  let set = setsByNode.get(node);
  if (!set) {
    set = new Set(node.value);
    setsByNode.set(node, set);
  }
  const value = get(object, node.field);
  return Array.isArray(value) ? value.some((v) => set.has(v)) : set.has(value);
}

export const conditionsMatcher: ConditionsMatcher<MongoQuery> = buildMongoQueryMatcher(
  {},
  {
    in: inSet,
  },
);
