import { CreateOccurrenceRequestSchema, DescriptionInputSchema } from '../../../core/athena/contract';
import { ADDED_DESCRIPTION_MAX, OCCURRENCE_DESCRIPTION_MAX, splitDescription } from '../../../core/athena/mapping';

const NOTE = /\n\[Continued in the additional information descriptions of this occurrence\.\]$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LABEL = /^\[Incident description, continued: part \d+ of \d+\]\n/;

describe('splitDescription', () => {
  test('short text stays whole', () => {
    expect(splitDescription('Bicycle taken from the rack.')).toEqual({ head: 'Bicycle taken from the rack.', continuations: [] });
  });

  test('text at the limit stays whole', () => {
    const text = 'a'.repeat(OCCURRENCE_DESCRIPTION_MAX);
    expect(splitDescription(text).continuations).toEqual([]);
  });

  test('long text fits the contract', () => {
    const text = 'word '.repeat(30_000);
    const { head, continuations } = splitDescription(text);

    expect(head.length).toBeLessThanOrEqual(OCCURRENCE_DESCRIPTION_MAX);
    expect(continuations).toHaveLength(6);
    for (const part of continuations) expect(part.length).toBeLessThanOrEqual(ADDED_DESCRIPTION_MAX);
    expect(CreateOccurrenceRequestSchema.shape.description.safeParse(head).success).toBe(true);
    for (const part of continuations) expect(DescriptionInputSchema.shape.text.safeParse(part).success).toBe(true);
    expect(head.replace(NOTE, '') + continuations.map((part) => part.replace(LABEL, '')).join('')).toBe(text);
  });

  test('never splits a surrogate pair', () => {
    const text = '\u{1F6B2}'.repeat(40_000);
    const { head, continuations } = splitDescription(text);
    const pieces = [head.replace(NOTE, ''), ...continuations.map((part) => part.replace(LABEL, ''))];

    for (const piece of pieces) expect(piece).not.toMatch(LONE_SURROGATE);
    expect(pieces.join('')).toBe(text);
  });
});
