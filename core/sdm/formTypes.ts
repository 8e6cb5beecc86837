/** The catalogue of SOH form types (services), read from `data/formTypes.json`. */
import formTypeData from './data/formTypes.json';

export interface FormType {
  /** The SDM submission `category`, e.g. `OCR`. */
  code: string;
  en: string;
  cy?: string;
  /** False where the category code iHub sends for this service is not publicly known and is a placeholder. */
  codeKnown: boolean;
  /** Whether the SOH Trigger sends this form type to its main output unless the analyst changes it. */
  enabledByDefault: boolean;
}

// NOTE: only OCR, RTI and ASB appear as category codes in public material. The other codes are
// placeholders (codeKnown: false) until a force confirms them from its own traffic, and the SOH
// Trigger lets an analyst add the real ones.
export const FORM_TYPES: readonly FormType[] = formTypeData.formTypes;

/** Finds a form type by its category code, case-insensitively, in the catalogue plus any extra entries. */
export function findFormType(code: string | undefined, extra: readonly FormType[] = []): FormType | undefined {
  if (!code) return undefined;
  const wanted = code.trim().toUpperCase();
  return [...extra, ...FORM_TYPES].find((formType) => formType.code.toUpperCase() === wanted);
}
