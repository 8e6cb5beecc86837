/** Retention periods as ISO 8601 durations. */

const DURATION_PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/**
 * Returns `instant` minus a duration of years, months, weeks and days (`P7Y`, `P6M`, `P1Y6M`,
 * `P90D`), counted on the UTC calendar. Time parts (`PT…`) are rejected, because retention
 * periods are set in days or longer.
 */
export function subtractIsoDuration(instant: Date, duration: string): Date {
  const match = DURATION_PATTERN.exec(duration?.trim() ?? '');
  if (!match || duration.trim() === 'P') {
    throw new RangeError(
      `Retention period "${duration}" is not a valid ISO 8601 duration; use years, months, weeks or days such as P7Y, P6M or P90D.`,
    );
  }
  const [years, months, weeks, days] = match.slice(1).map((part) => Number(part ?? 0));
  if (years + months + weeks + days === 0) {
    throw new RangeError(`Retention period "${duration}" is zero; a sweep with it would erase all content.`);
  }

  const result = new Date(instant.getTime());
  result.setUTCFullYear(result.getUTCFullYear() - years, result.getUTCMonth() - months, result.getUTCDate() - weeks * 7 - days);
  return result;
}
