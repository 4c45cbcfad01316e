import { describe, expect, it } from 'vitest';
import { parseEmailFilter, parseEmailSort, searchTerms } from './email-filter.js';

const errorType = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { type?: string }).type;
  }
  return 'no error';
};

describe('Email/query filter and sort validation (RFC 8621 4.4.1, 4.4.2)', () => {
  it('accepts every FilterCondition of RFC 8621 4.4.1 and nested operators', () => {
    const all = {
      inMailbox: 'M1',
      inMailboxOtherThan: ['M2'],
      before: '2025-01-01T00:00:00Z',
      after: '2024-01-01T00:00:00Z',
      minSize: 1,
      maxSize: 2,
      allInThreadHaveKeyword: '$Seen',
      someInThreadHaveKeyword: 'a',
      noneInThreadHaveKeyword: 'b',
      hasKeyword: 'C',
      notKeyword: 'd',
      hasAttachment: true,
      text: 't',
      from: 'f',
      to: 'to',
      cc: 'cc',
      bcc: 'bcc',
      subject: 's',
      body: 'b',
      header: ['X-A', 'v'],
    };
    const f = parseEmailFilter({ operator: 'NOT', conditions: [{ operator: 'OR', conditions: [all] }] });
    const inner = (
      f as unknown as { conditions: Array<{ conditions: Array<{ condition: Record<string, unknown> }> }> }
    ).conditions[0].conditions[0].condition;
    expect(inner.allInThreadHaveKeyword).toBe('$seen');
    expect(inner.hasKeyword).toBe('c');
  });

  it('unknown properties and operators are unsupportedFilter; wrong values invalidArguments', () => {
    expect(errorType(() => parseEmailFilter({ threadId: 'x' }))).toBe('unsupportedFilter');
    expect(errorType(() => parseEmailFilter({ operator: 'NAND', conditions: [] }))).toBe('unsupportedFilter');
    expect(errorType(() => parseEmailFilter({ minSize: 1.5 }))).toBe('invalidArguments');
    expect(errorType(() => parseEmailFilter({ after: '2025-01-01' }))).toBe('invalidArguments');
    expect(errorType(() => parseEmailFilter({ header: ['a', 'b', 'c'] }))).toBe('invalidArguments');
    expect(errorType(() => parseEmailFilter({ hasKeyword: 'a(b' }))).toBe('invalidArguments');
    expect(errorType(() => parseEmailFilter({ operator: 'AND' }))).toBe('invalidArguments');
    let deep: Record<string, unknown> = { text: 'x' };
    for (let i = 0; i < 40; i++) deep = { operator: 'AND', conditions: [deep] };
    expect(errorType(() => parseEmailFilter(deep))).toBe('unsupportedFilter');
  });

  it('sorts: unknown property or collation is unsupportedSort; keyword sorts need a keyword', () => {
    expect(parseEmailSort([{ property: 'hasKeyword', keyword: '$Flagged', isAscending: false }])).toEqual([
      { property: 'hasKeyword', keyword: '$flagged', isAscending: false, collation: null },
    ]);
    expect(errorType(() => parseEmailSort([{ property: 'id' }]))).toBe('unsupportedSort');
    expect(errorType(() => parseEmailSort([{ property: 'from', collation: 'i;basic' }]))).toBe(
      'unsupportedSort',
    );
    expect(errorType(() => parseEmailSort([{ property: 'someInThreadHaveKeyword' }]))).toBe(
      'invalidArguments',
    );
  });

  it('snippet terms come from text, subject and body conditions that are not under NOT', () => {
    const f = parseEmailFilter({
      operator: 'AND',
      conditions: [
        { text: 'a' },
        { subject: 'b' },
        { operator: 'NOT', conditions: [{ body: 'c' }] },
        { operator: 'OR', conditions: [{ body: 'd' }] },
      ],
    });
    expect(searchTerms(f)).toEqual({ text: ['a'], subject: ['b'], body: ['d'] });
  });
});
