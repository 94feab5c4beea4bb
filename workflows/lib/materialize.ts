/**
 * Prepares shared workflow modules for the SDK's deep freeze (see
 * workflows/preload.ts): whatever zod would build on first use is built now.
 */
import * as zod from 'zod';

/** How many objects the walk may visit: a bound that no module comes near (the registry's schemas are a few thousand). */
const walkLimit = 1_000_000;

/** A first parse of nothing. A refinement walked to on its own (it is a schema too) gets nothing and may throw, after the parser was rewritten. */
function parseOnce(schema: zod.ZodType): void {
  try {
    schema.safeParse(undefined);
  } catch {
    // The refinement's own error: the schema is ready all the same.
  }
}

/**
 * Reads every own property of every object reachable from `roots` (what the
 * SDK's deep freeze walks) and every getter on its prototypes (where zod keeps
 * the members it builds on first read), and parses every schema once.
 * Functions are not walked into: the freeze leaves what hangs below a function
 * unfrozen. Objects that hold a RegExp are frozen here (see the end). Answers
 * how many objects it visited.
 */
export function materialize(roots: readonly unknown[]): number {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [...roots];
  let visited = 0;
  /** Objects that hold a regular expression (see below). */
  const holders = new Set<object>();
  const read = (target: object, key: PropertyKey): unknown => {
    try {
      const member = (target as Record<PropertyKey, unknown>)[key];
      stack.push(member);
      return member;
    } catch {
      // A member that cannot be read now cannot be read later either; the freeze skips it as well.
      return undefined;
    }
  };
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (++visited > walkLimit) throw new Error(`preload: more than ${walkLimit} objects reachable from the workflow modules`);
    for (let proto = Object.getPrototypeOf(value) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const key of Reflect.ownKeys(proto)) {
        if (Object.getOwnPropertyDescriptor(proto, key)?.get) read(value, key);
      }
    }
    for (const key of Reflect.ownKeys(value)) {
      if (read(value, key) instanceof RegExp) holders.add(value);
    }
    if (value instanceof zod.ZodType) parseOnce(value);
  }
  // Zod resets a pattern's `lastIndex` before every test, which a frozen RegExp
  // refuses. The freeze does not walk into an object that is frozen already, so
  // freezing each object that holds a pattern (now that nothing more is built
  // in it) leaves the patterns themselves writable.
  for (const holder of holders) Object.freeze(holder);
  return visited;
}
