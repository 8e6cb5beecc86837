import { canonicalJson } from '../../../core/audit/canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives equal text for equal values built differently', () => {
    const first = { name: 'x', list: [1, 2], nested: { q: true, p: 'é' } };
    const second = { nested: { p: 'é', q: true }, list: [1, 2], name: 'x' };
    expect(canonicalJson(first)).toBe(canonicalJson(second));
  });

  it('omits undefined properties', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('escapes strings as JSON.stringify does', () => {
    expect(canonicalJson({ text: 'line\nquote"tab\t\u0001' })).toBe('{"text":"line\\nquote\\"tab\\t\\u0001"}');
  });

  it('sorts keys by UTF-16 code unit', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('writes numbers without trailing zeros', () => {
    expect(canonicalJson([1.0, 0.5, -0, 1e21])).toBe('[1,0.5,0,1e+21]');
  });

  it.each([
    ['NaN', { a: NaN }, /non-finite number NaN at \$\.a/],
    ['Infinity', [Infinity], /non-finite number Infinity at \$\[0\]/],
    ['undefined in array', [1, undefined], /undefined at \$\[1\]/],
    ['bigint', { n: BigInt(1) }, /type bigint at \$\.n/],
    ['Date', { when: new Date(0) }, /\$\.when is a Date/],
    ['function', { f: () => 1 }, /type function at \$\.f/],
  ])('rejects %s', (_label, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });
});
