/** Whether `object` has `key` as its own property (not one inherited from its prototype chain). */
export const hasOwn = (object: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(object, key);

/** How deep a JSON value may nest before it is refused (a guard against cycles and hostile input). */
const MAX_DEPTH = 64;

/**
 * Whether `value` survives `JSON.stringify` → `JSON.parse` unchanged: `null`,
 * booleans, strings, finite numbers, arrays of those and plain objects of
 * those. A `Date`, `Map`, `BigInt`, `undefined`, a function, a cycle or a class
 * instance is not: values that arrive by structured clone (another tab's
 * message) must be, before they enter the state and storage.
 */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    // Index by index: `every` skips the holes of a sparse array, which JSON turns into `null`.
    for (let i = 0; i < value.length; i += 1) if (!isJsonValue(value[i], depth + 1)) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every((item) => isJsonValue(item, depth + 1));
}
