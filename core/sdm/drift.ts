/** Collecting the ways a document differs from the model we know, so drift is reported and never dropped. */
import type { CodedValue, DriftFinding, DriftKind } from '../contact/types';
import { looksLikeCode, resolveCode } from './codes';
import { toJsonPointer } from './errors';
import knownAttributeData from './data/knownAttributes.json';

const knownAttributes = new Map<string, Set<string>>(
  Object.entries(knownAttributeData.entities).map(([type, names]) => [type, new Set(names)]),
);
const renamedAttributes = knownAttributeData.renamed as Record<string, Record<string, string>>;

/** True when we hold an attribute list for this SDM entity type. */
export function isKnownEntityType(type: string): boolean {
  return knownAttributes.has(type);
}

export class DriftCollector {
  readonly findings: DriftFinding[] = [];

  add(kind: DriftKind, pointer: string | ReadonlyArray<string | number>, detail: string, value?: unknown): void {
    const finding: DriftFinding = { kind, pointer: typeof pointer === 'string' ? pointer : toJsonPointer(pointer), detail };
    if (value !== undefined) finding.value = value;
    this.findings.push(finding);
  }

  /**
   * Resolves a coded value for a field the normaliser reads. Unknown codes are recorded by
   * `attributes()`, so this records only a value that does not have the shape of a code.
   */
  code(value: unknown, path: ReadonlyArray<string | number>): CodedValue | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (!looksLikeCode(value)) {
      this.add('unexpected-type', path, 'Expected an SDM coded value such as GNDR_0001; the value is kept as received.', value);
      return { code: String(value), known: false };
    }
    return resolveCode(value).value;
  }

  /**
   * Checks an entity's attributes: unknown names, renamed names and every coded value in them.
   * Returns a view with renamed attributes under the names we read; the original object is untouched.
   */
  attributes(entityType: string, attributes: Record<string, unknown>, path: ReadonlyArray<string | number>): Record<string, unknown> {
    const known = knownAttributes.get(entityType);
    const renamed = renamedAttributes[entityType] ?? {};
    const view: Record<string, unknown> = { ...attributes };
    for (const [name, value] of Object.entries(attributes)) {
      const attributePath = [...path, name];
      const newName = renamed[name];
      if (newName !== undefined) {
        this.add('renamed-field', attributePath, `"${name}" is read as "${newName}".`, value);
        if (view[newName] === undefined) view[newName] = value;
      } else if (known && !known.has(name)) {
        this.add('unknown-attribute', attributePath, `"${name}" is not an attribute we know on ${entityType}; it is kept as received.`, value);
      }
      this.codesIn(value, attributePath);
    }
    return view;
  }

  /** Records every coded value in an attribute (or array) that is new to us. */
  codesIn(value: unknown, path: ReadonlyArray<string | number>): void {
    const items = Array.isArray(value) ? value.map((item, index) => [item, [...path, index]] as const) : [[value, path] as const];
    for (const [item, itemPath] of items) {
      if (!looksLikeCode(item)) continue;
      const { status } = resolveCode(item);
      if (status === 'unknown-value') {
        this.add('unknown-code', itemPath, `The code ${item} is not in the ${item.slice(0, 4)} code list we hold.`, item);
      } else if (status === 'unknown-list') {
        this.add('unknown-code', itemPath, `The code list ${item.slice(0, 4)} is not one the SDM defines.`, item);
      }
    }
  }
}
