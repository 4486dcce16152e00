import { buildMongoQueryMatcher, type ConditionsMatcher, type MongoQuery } from '@casl/ability';

interface InNode {
  field: string;
  value: unknown[];
}
interface InterpretContext {
  get: (object: unknown, field: string) => unknown;
}

const setsByArray = new WeakMap<readonly unknown[], Set<unknown>>();

/**
 * Builds the hash set for an `$in` array when the rule is compiled, so the
 * first check on a fresh ability does not pay for it.
 */
export function indexInArray<T extends readonly unknown[]>(values: T): T {
  if (!setsByArray.has(values)) setsByArray.set(values, new Set(values));
  return values;
}

/**
 * `$in` as a hash lookup. CASL's default `$in` scans the array, so a user
 * bound in 1,000 workspaces would pay 1,000 comparisons per check.
 */
function inSet(node: InNode, object: unknown, { get }: InterpretContext): boolean {
  let set = setsByArray.get(node.value);
  if (!set) {
    set = new Set(node.value);
    setsByArray.set(node.value, set);
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
