import { checkPlaceholder, DEFAULT_PLACEHOLDER_RULES, normaliseForComparison } from '../../../core/pole/placeholders';

describe('checkPlaceholder in a name', () => {
  const rejectedNames: Array<[string, string]> = [
    ['unknown', 'placeholder'],
    ['UNKNOWN', 'placeholder'],
    ['  Unknown  ', 'placeholder'],
    ['Not Known', 'placeholder'],
    ['not-known', 'placeholder'],
    ['N/K', 'placeholder'],
    ['n/k', 'placeholder'],
    ['N/A', 'placeholder'],
    ['n.a.', 'placeholder'],
    ["Don't know", 'placeholder'],
    ['DONT KNOW', 'placeholder'],
    ['unk', 'placeholder'],
    ['none', 'placeholder'],
    ['No name', 'placeholder'],
    ['XX', 'placeholder'],
    ['xxxx', 'repeated-letter'],
    ['-', 'punctuation-only'],
    ['?', 'punctuation-only'],
    ['??', 'punctuation-only'],
    ['...', 'punctuation-only'],
    ['male', 'non-identifying-word'],
    ['Female', 'non-identifying-word'],
    ['MAN', 'non-identifying-word'],
    ['woman', 'non-identifying-word'],
    ['boy', 'non-identifying-word'],
    ['girl', 'non-identifying-word'],
    ['youth', 'non-identifying-word'],
    ['person', 'non-identifying-word'],
    ['Unknown Male', 'non-identifying-word'],
    ['unknown  youth', 'non-identifying-word'],
    ['46/12345/25', 'reference-like'],
    ['TYA-1-23-0100-000', 'reference-like'],
    ['2089/21Nov', 'reference-like'],
    ['NFRC2301000001', 'reference-like'],
    ['CAD 1234', 'reference-like'],
    ['J', 'initial-only'],
  ];

  test.each(rejectedNames)('rejects %p as %s', (value, kind) => {
    const result = checkPlaceholder(value, 'name');
    expect(result.rejected).toBe(true);
    expect(result.kind).toBe(kind);
  });

  test.each(['Kieran', 'Lowther', 'Siân', 'Dafydd', 'ap Gruffudd', "O'Brien", 'Jones-Evans', 'Lee', 'Ng', 'Maleena', 'Manon'])(
    'accepts real name %p',
    (value) => {
      expect(checkPlaceholder(value, 'name').rejected).toBe(false);
    },
  );

  test('empty and missing values are empty, not placeholders', () => {
    expect(checkPlaceholder('', 'name').kind).toBe('empty');
    expect(checkPlaceholder('   ', 'name').kind).toBe('empty');
    expect(checkPlaceholder(undefined, 'name').kind).toBe('empty');
  });
});

describe('checkPlaceholder in a description', () => {
  test('keeps digits and short values', () => {
    expect(checkPlaceholder('6ft 1', 'description').rejected).toBe(false);
    expect(checkPlaceholder('BLST_0007', 'description').rejected).toBe(false);
    expect(checkPlaceholder('Scar on left cheek', 'description').rejected).toBe(false);
  });

  test('rejects placeholders and non-identifying words', () => {
    expect(checkPlaceholder('male', 'description').rejected).toBe(true);
    expect(checkPlaceholder('not known', 'description').rejected).toBe(true);
    expect(checkPlaceholder('N/A', 'description').rejected).toBe(true);
    expect(checkPlaceholder('?', 'description').rejected).toBe(true);
  });

  test('custom rules extend the list', () => {
    const rules = { ...DEFAULT_PLACEHOLDER_RULES, placeholderValues: [...DEFAULT_PLACEHOLDER_RULES.placeholderValues, 'see notes'] };
    expect(checkPlaceholder('See Notes', 'name', rules).rejected).toBe(true);
    expect(checkPlaceholder('See Notes', 'name').rejected).toBe(false);
  });
});

describe('normaliseForComparison', () => {
  test('removes diacritics, case and punctuation', () => {
    expect(normaliseForComparison('Siân  Ŵyn-Jones')).toBe('sian wyn jones');
    expect(normaliseForComparison("Don't")).toBe('dont');
  });
});
