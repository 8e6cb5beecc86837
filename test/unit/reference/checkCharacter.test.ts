import { dammCheckDigit, mod37_36CheckCharacter } from '../../../core/reference';

const DIGITS = '0123456789';
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Returns every string one substitution or one adjacent swap away from `text`, over `alphabet`. */
function misreadingsOf(text: string, alphabet: string): string[] {
  const results: string[] = [];
  for (let index = 0; index < text.length; index++) {
    for (const replacement of alphabet) {
      if (replacement !== text[index]) results.push(text.slice(0, index) + replacement + text.slice(index + 1));
    }
    if (index + 1 < text.length && text[index] !== text[index + 1]) {
      results.push(text.slice(0, index) + text[index + 1] + text[index] + text.slice(index + 2));
    }
  }
  return results;
}

/** A deterministic pseudo-random generator, so failures can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomText(random: () => number, alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
}

describe('dammCheckDigit', () => {
  it('matches the published example', () => {
    // Damm's worked example: 572 has check digit 4.
    expect(dammCheckDigit('572')).toBe('4');
  });

  it('detects every misreading of sampled numbers', () => {
    const random = seededRandom(42);
    for (let sample = 0; sample < 200; sample++) {
      const body = randomText(random, DIGITS, 2 + Math.floor(random() * 10));
      const full = body + dammCheckDigit(body);
      for (const wrong of misreadingsOf(full, DIGITS)) {
        expect(dammCheckDigit(wrong.slice(0, -1))).not.toBe(wrong.slice(-1));
      }
    }
  });

  it('rejects non-digits', () => {
    expect(() => dammCheckDigit('12a')).toThrow(/digits only/);
  });
});

describe('mod37_36CheckCharacter', () => {
  it('detects every misreading of sampled texts', () => {
    const random = seededRandom(7);
    for (let sample = 0; sample < 100; sample++) {
      const body = randomText(random, ALPHANUMERIC, 2 + Math.floor(random() * 10));
      const full = body + mod37_36CheckCharacter(body);
      for (const wrong of misreadingsOf(full, ALPHANUMERIC)) {
        expect(mod37_36CheckCharacter(wrong.slice(0, -1))).not.toBe(wrong.slice(-1));
      }
    }
  });

  it('ignores letter case', () => {
    expect(mod37_36CheckCharacter('21nov')).toBe(mod37_36CheckCharacter('21NOV'));
  });

  it('rejects punctuation', () => {
    expect(() => mod37_36CheckCharacter('21/NOV')).toThrow(/0-9 and A-Z/);
  });
});
