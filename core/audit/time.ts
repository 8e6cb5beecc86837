/** Timestamps for audit events: the UTC instant and the same instant on the Europe/London clock. */

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * Formats an instant as Europe/London local time with its UTC offset, for example
 * `2026-07-01T13:05:09.120+01:00` in summer and `2026-12-04T20:31:37.000+00:00` in winter.
 */
export function toLondonIso(instant: Date): string {
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError('Cannot format an invalid Date as Europe/London time.');
  }

  const parts: Record<string, string> = {};
  for (const part of londonParts.formatToParts(instant)) parts[part.type] = part.value;

  const milliseconds = instant.getUTCMilliseconds();
  const localAsUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
    milliseconds,
  );
  const offsetMinutes = Math.round((localAsUtc - instant.getTime()) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;

  const fraction = String(milliseconds).padStart(3, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${fraction}${offset}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
