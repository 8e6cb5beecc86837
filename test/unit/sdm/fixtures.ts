import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** Reads a fixture as bytes, exactly as a sender would deliver it. */
export function fixtureBytes(relativePath: string): Buffer {
  return readFileSync(join(FIXTURES, relativePath));
}

/** Reads a fixture as a JSON object a test can change before sending. */
// Tests reach deep into fixtures to break them on purpose; a precise type would only be cast away.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixtureJson(relativePath: string): Record<string, any> {
  return JSON.parse(fixtureBytes(relativePath).toString('utf8'));
}
