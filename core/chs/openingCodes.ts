/**
 * Form type → opening code table. The NSIR code list is not public, so these defaults are
 * examples shaped like NSIR chapters (crime, anti-social behaviour, public safety and welfare,
 * transport, administration). A force replaces them with its own codes in the CHS Writer node.
 */

export interface OpeningCodeRule {
  /** SOH service code, e.g. `OCR`; matched case-insensitively. `*` matches any form type. */
  formType: string;
  openingCode: string;
}

export const EXAMPLE_OPENING_CODE_TABLE: readonly OpeningCodeRule[] = [
  { formType: 'OCR', openingCode: 'CRIME-REPORT' },
  { formType: 'RTI', openingCode: 'TRANSPORT-RTI' },
  { formType: 'ASB', openingCode: 'ASB-NUISANCE' },
  { formType: 'LOSTPROP', openingCode: 'ADMIN-LOST-PROPERTY' },
  { formType: 'FOUNDPROP', openingCode: 'ADMIN-FOUND-PROPERTY' },
  { formType: 'VEHICLE', openingCode: 'CRIME-VEHICLE' },
  { formType: 'FRAUD', openingCode: 'CRIME-FRAUD' },
  { formType: 'HATE', openingCode: 'CRIME-HATE' },
  { formType: 'DA', openingCode: 'PSW-DOMESTIC' },
  { formType: 'RASSO', openingCode: 'CRIME-SEXUAL' },
  { formType: 'MISPER', openingCode: 'PSW-MISSING-PERSON' },
  { formType: 'DVDS', openingCode: 'ADMIN-DVDS' },
  { formType: 'FIREARMS', openingCode: 'ADMIN-FIREARMS' },
  { formType: 'FEEDBACK', openingCode: 'ADMIN-FEEDBACK' },
  { formType: 'CIVIL', openingCode: 'ADMIN-CIVIL-DISPUTE' },
];

/** Used when no rule matches the form type; also an example. */
export const EXAMPLE_FALLBACK_OPENING_CODE = 'ADMIN-ONLINE-REPORT';

export interface OpeningCodeResult {
  openingCode: string;
  /** False when the fallback was used because no rule matched. */
  matched: boolean;
}

/** Looks the form type up in the table: an exact match first, then a `*` rule, then the fallback. */
export function resolveOpeningCode(formType: string, table: readonly OpeningCodeRule[], fallback: string): OpeningCodeResult {
  const wanted = formType.trim().toUpperCase();
  const exact = table.find((rule) => rule.formType.trim().toUpperCase() === wanted);
  if (exact) return { openingCode: exact.openingCode.trim(), matched: true };

  const wildcard = table.find((rule) => rule.formType.trim() === '*');
  if (wildcard) return { openingCode: wildcard.openingCode.trim(), matched: true };

  return { openingCode: fallback.trim(), matched: false };
}
