/**
 * Check characters for references read aloud. They guard against two errors of reading or keying
 * a number over the phone: one wrong character ("five" heard as "nine") and two neighbouring
 * characters swapped ("fifty-four" for "forty-five"). Both algorithms here detect every such error.
 *
 * - All-digit references use the Damm algorithm (H. Michael Damm, 2004). Its table is a totally
 *   anti-symmetric quasigroup of order 10, which is what makes every single-digit substitution and
 *   every adjacent transposition change the check digit. Unlike Luhn it also catches 09/90 swaps,
 *   and unlike Verhoeff it needs one table and no permutations. The check stays a digit, so an
 *   all-digit format such as an 11-digit occurrence number stays all digits.
 * - References with letters (a month name such as `Nov`, a force code with letters) use
 *   ISO/IEC 7064 MOD 37,36, the hybrid system for alphanumeric data. It detects every single
 *   substitution and every adjacent transposition among 0-9 and A-Z, and its check is one of those
 *   36 characters. Letters are read case-insensitively.
 */

const DAMM_TABLE: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type CheckAlgorithm = 'damm' | 'iso7064-mod37-36';

/** Computes the Damm check digit of a string of digits. */
export function dammCheckDigit(digits: string): string {
  if (!/^[0-9]+$/.test(digits)) throw new RangeError(`Damm check digits need digits only; got "${digits}"`);
  let interim = 0;
  for (const char of digits) interim = DAMM_TABLE[interim][char.charCodeAt(0) - 48];
  return String(interim);
}

/** Computes the ISO/IEC 7064 MOD 37,36 check character of a string of 0-9 and A-Z (case-insensitive). */
export function mod37_36CheckCharacter(text: string): string {
  const upper = text.toUpperCase();
  if (!/^[0-9A-Z]+$/.test(upper)) throw new RangeError(`MOD 37,36 check characters need 0-9 and A-Z only; got "${text}"`);
  const modulus = 36;
  let product = modulus;
  for (const char of upper) {
    let sum = (product + ALPHANUMERIC.indexOf(char)) % modulus;
    if (sum === 0) sum = modulus;
    product = (sum * 2) % (modulus + 1);
  }
  return ALPHANUMERIC[(modulus + 1 - product) % modulus];
}

export function computeCheckCharacter(algorithm: CheckAlgorithm, text: string): string {
  return algorithm === 'damm' ? dammCheckDigit(text) : mod37_36CheckCharacter(text);
}
