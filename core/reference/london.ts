/** Calendar dates in Europe/London, the time zone every reference period is counted in. */

export type ResetPeriod = 'never' | 'yearly' | 'monthly' | 'daily';

export const RESET_PERIODS: readonly ResetPeriod[] = ['never', 'yearly', 'monthly', 'daily'];

export interface LondonDate {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
}

const londonFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Returns the calendar date in Europe/London at `instant`, so 00:30 BST on 1 April
 * (23:30 UTC on 31 March) is 1 April.
 */
export function londonDate(instant: Date): LondonDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('Cannot take the London date of an invalid time');
  const parts = Object.fromEntries(londonFormatter.formatToParts(instant).map((part) => [part.type, part.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day) };
}

const pad2 = (value: number) => String(value).padStart(2, '0');

/** Returns the key of the reset period containing `date`: `all`, `2026`, `2026-04` or `2026-04-01`. */
export function periodKey(resetPeriod: ResetPeriod, date: LondonDate): string {
  switch (resetPeriod) {
    case 'never':
      return 'all';
    case 'yearly':
      return String(date.year);
    case 'monthly':
      return `${date.year}-${pad2(date.month)}`;
    case 'daily':
      return `${date.year}-${pad2(date.month)}-${pad2(date.day)}`;
    default:
      throw new RangeError(`Reset period "${String(resetPeriod)}" is invalid; use ${RESET_PERIODS.join(', ')}`);
  }
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
