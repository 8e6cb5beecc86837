import { rewritePlaceholders } from '../../../core/store/sqlite';

describe('rewritePlaceholders', () => {
  it('rewrites numbered placeholders', () => {
    expect(rewritePlaceholders('SELECT * FROM t WHERE a = $1 AND b = $12')).toBe('SELECT * FROM t WHERE a = ?1 AND b = ?12');
  });

  it('leaves quoted text alone', () => {
    expect(rewritePlaceholders(`SELECT '$1', "col$2" FROM t WHERE x = $3`)).toBe(`SELECT '$1', "col$2" FROM t WHERE x = ?3`);
  });

  it('leaves a dollar without digits alone', () => {
    expect(rewritePlaceholders('SELECT $a, $ FROM t')).toBe('SELECT $a, $ FROM t');
  });
});
