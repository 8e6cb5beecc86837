/**
 * Telephone numbers to E.164 (`+447700900123`) without a phone-number library. UK numbers are
 * checked against the national numbering shape (a 9 or 10 digit national significant number that
 * does not start with 0); other countries are accepted as given when they start with `+` or `00`,
 * because only the country's own numbering plan could check them further.
 */

export interface NormalisedPhone {
  e164: string;
  country: 'GB' | 'other';
}

const EXTENSION = /\s*(ext\.?|extension|x)\s*\d+\s*$/i;

/** Returns the E.164 form of a phone number, or `undefined` when it cannot be read as one. */
export function normalisePhone(raw: string | undefined | null): NormalisedPhone | undefined {
  if (raw === undefined || raw === null) return undefined;

  let value = raw.trim().replace(EXTENSION, '');
  // "+44 (0)7700 900123": the bracketed trunk zero is written for callers inside the UK only.
  value = value.replace(/^(\+|00)\s*44\s*\(\s*0\s*\)/, '+44');
  if (/[^\d\s()+.\-/]/.test(value)) return undefined;

  const hasPlus = value.startsWith('+');
  if (value.indexOf('+', 1) !== -1) return undefined;
  const digits = value.replace(/\D/g, '');

  if (hasPlus) {
    if (digits.startsWith('44')) return ukFromNational(digits.slice(2));
    return internationalFromDigits(digits);
  }
  if (digits.startsWith('0044')) return ukFromNational(digits.slice(4));
  if (digits.startsWith('00')) return internationalFromDigits(digits.slice(2));
  if (digits.startsWith('0')) return ukFromNational(digits.slice(1));
  // "447700900123": a UK number written in international form without the plus.
  if (digits.startsWith('44') && digits.length === 12) return ukFromNational(digits.slice(2));

  return undefined;
}

/** Returns the E.164 string, or `undefined`. */
export function toE164(raw: string | undefined | null): string | undefined {
  return normalisePhone(raw)?.e164;
}

function ukFromNational(national: string): NormalisedPhone | undefined {
  // "+44 07700 900123" carries a redundant trunk zero after the country code.
  const nsn = national.startsWith('0') ? national.slice(1) : national;
  if (!/^[1-9]\d{8,9}$/.test(nsn)) return undefined;
  // Mobiles (07…), non-geographic (03…, 08…, 09…) and most geographic numbers have 10 digits;
  // only some 01 area codes still have 9.
  if (nsn.length === 9 && !nsn.startsWith('1')) return undefined;
  return { e164: `+44${nsn}`, country: 'GB' };
}

function internationalFromDigits(digits: string): NormalisedPhone | undefined {
  if (digits.startsWith('44')) return ukFromNational(digits.slice(2));
  // E.164 allows at most 15 digits; fewer than 8 cannot be a full international number.
  if (!/^[1-9]\d{7,14}$/.test(digits)) return undefined;
  return { e164: `+${digits}`, country: 'other' };
}
