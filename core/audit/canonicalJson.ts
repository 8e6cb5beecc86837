/**
 * Canonical JSON for hashing: object keys sorted by UTF-16 code unit, no whitespace, strings and
 * numbers written as `JSON.stringify` writes them. Two values that are equal as JSON always give
 * the same text, so their hashes match whichever process or dialect stored them.
 *
 * Object properties whose value is `undefined` are left out, as `JSON.stringify` does. Values
 * that JSON cannot represent exactly are rejected: non-finite numbers, `undefined` in arrays,
 * bigint, functions, symbols, Dates and other class instances. Converting them silently would
 * make the hash depend on how the value was built rather than on the data.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

function serialise(value: unknown, path: string): string {
  if (value === null) return 'null';

  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError(`Canonical JSON cannot hold the non-finite number ${value} at ${path}.`);
      }
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`Canonical JSON cannot hold a value of type ${typeof value} at ${path}.`);
  }

  if (Array.isArray(value)) {
    const parts = value.map((element, index) => {
      if (element === undefined) {
        throw new TypeError(`Canonical JSON cannot hold undefined at ${path}[${index}].`);
      }
      return serialise(element, `${path}[${index}]`);
    });
    return `[${parts.join(',')}]`;
  }

  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    const typeName = (value as object).constructor?.name ?? 'unknown';
    throw new TypeError(
      `Canonical JSON accepts only plain objects, but ${path} is a ${typeName}; convert it to a string or plain object first.`,
    );
  }

  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${serialise(record[key], `${path}.${key}`)}`);
  return `{${members.join(',')}}`;
}
