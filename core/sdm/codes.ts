/** Resolving SDM coded values (`GNDR_0001`, `EOVD_IC1`) to English and Welsh labels while keeping the code. */
import type { CodedValue } from '../contact/types';
import codeListData from './data/codeLists.json';

interface CodeListEntry {
  en?: string;
  cy?: string;
}

interface CodeList {
  name: string;
  /** True when this package carries only some of the list's values, so a missing value is not drift. */
  partial?: boolean;
  values: Record<string, CodeListEntry>;
}

const registeredLists = new Set<string>(codeListData.registeredLists);
const lists = codeListData.lists as Record<string, CodeList>;

/** SDM code shape: four capital letters, an underscore and a value part. */
export const CODED_VALUE = /^[A-Z]{4}_[A-Z0-9]{3,4}$/;

export type CodeStatus =
  /** Found in a list we carry. */
  | 'resolved'
  /** The list is one the SDM defines, but we carry none or only part of its values. */
  | 'list-not-carried'
  /** The list is carried in full and does not contain the value: a new or mistyped code. */
  | 'unknown-value'
  /** The four-letter list prefix is not one the SDM defines: a new code list. */
  | 'unknown-list';

export interface ResolvedCode {
  value: CodedValue;
  status: CodeStatus;
}

/** True when the string has the shape of an SDM coded value. */
export function looksLikeCode(value: unknown): value is string {
  return typeof value === 'string' && CODED_VALUE.test(value);
}

/** Resolves a coded value to its labels and reports whether the code is one we know. */
export function resolveCode(code: string): ResolvedCode {
  const prefix = code.slice(0, 4);
  const list = lists[prefix];
  const entry = list?.values[code];
  if (entry) {
    const value: CodedValue = { code, known: true };
    if (entry.en) value.en = entry.en;
    if (entry.cy) value.cy = entry.cy;
    return { value, status: 'resolved' };
  }
  if (list && !list.partial) return { value: { code, known: false }, status: 'unknown-value' };
  if (registeredLists.has(prefix)) return { value: { code, known: false }, status: 'list-not-carried' };
  return { value: { code, known: false }, status: 'unknown-list' };
}
