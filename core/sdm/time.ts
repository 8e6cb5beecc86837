/**
 * Reading SDM times without losing what was sent. A value with an offset is an exact instant.
 * A value without an offset is read as Europe/London wall-clock time. Local times that do not exist
 * (the spring-forward gap) or happen twice (the autumn fall-back hour) are flagged, never moved.
 */
import type { ContactTime, TimeFlag } from '../contact/types';

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Times this far after receipt are flagged `in-future`; allows for clock skew between iHub and us. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

const londonFormatter = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Formats an instant as Europe/London wall-clock time, `YYYY-MM-DDTHH:mm:ss`. */
export function toLondonLocal(epochMs: number): string {
  const parts = Object.fromEntries(londonFormatter.formatToParts(new Date(epochMs)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** London's offset from UTC at an instant, in minutes (0 or 60). */
export function londonOffsetMinutes(epochMs: number): number {
  const local = toLondonLocal(epochMs);
  const asUtc = Date.parse(local + 'Z');
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** Parses an SDM date-time. Returns undefined for a missing value and a flagged time for a bad one. */
export function parseContactTime(value: unknown, receivedAt: Date): ContactTime | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const original = String(value);
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value.trim()) : null;
  if (!match) return { original, flags: ['unparseable'] };

  const [, year, month, day, hour, minute, second = '00', fraction = '', zone] = match;
  const millis = Number((fraction + '000').slice(0, 3));
  const wallClockAsUtc = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, millis);
  const wallClockText = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  if (Number.isNaN(wallClockAsUtc) || new Date(wallClockAsUtc).toISOString().slice(0, 19) !== wallClockText) {
    return { original, flags: ['unparseable'] };
  }

  const flags: TimeFlag[] = [];
  let epochMs: number;
  let offset: string | undefined;

  if (zone) {
    const offsetMinutes = zone.toUpperCase() === 'Z' ? 0 : parseZone(zone);
    epochMs = wallClockAsUtc - offsetMinutes * 60000;
    offset = formatOffset(offsetMinutes);
    // `Z` states UTC outright, so only a numeric offset can contradict London's clock.
    if (zone.toUpperCase() !== 'Z' && offsetMinutes !== londonOffsetMinutes(epochMs)) flags.push('offset-mismatch');
  } else {
    flags.push('no-offset');
    const reading = readLondonWallClock(wallClockAsUtc);
    epochMs = reading.epochMs;
    if (reading.flag) flags.push(reading.flag);
  }

  if (epochMs > receivedAt.getTime() + FUTURE_TOLERANCE_MS) flags.push('in-future');

  const time: ContactTime = { original, utc: new Date(epochMs).toISOString(), flags };
  if (offset !== undefined) time.offset = offset;
  // For a nonexistent local time the London reading of any instant would differ from what was written, so keep what was written.
  time.londonLocal = flags.includes('nonexistent-local-time') ? wallClockText : toLondonLocal(epochMs);
  return time;
}

function parseZone(zone: string): number {
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return digits[0] === '-' ? -minutes : minutes;
}

/**
 * Maps a London wall-clock time to an instant. An ambiguous time takes its first occurrence
 * (British Summer Time). A nonexistent time takes the offset in force just before the gap (GMT).
 * Both are flagged so a person checks them.
 */
function readLondonWallClock(wallClockAsUtc: number): { epochMs: number; flag?: TimeFlag } {
  const valid = [60, 0]
    .map((offsetMinutes) => wallClockAsUtc - offsetMinutes * 60000)
    .filter((epochMs) => matchesWallClock(epochMs, wallClockAsUtc));
  if (valid.length === 2) return { epochMs: valid[0], flag: 'ambiguous-local-time' };
  if (valid.length === 1) return { epochMs: valid[0] };
  return { epochMs: wallClockAsUtc, flag: 'nonexistent-local-time' };
}

function matchesWallClock(epochMs: number, wallClockAsUtc: number): boolean {
  return toLondonLocal(epochMs) === new Date(wallClockAsUtc).toISOString().slice(0, 19);
}
