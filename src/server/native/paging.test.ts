import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../errors.js';
import { beforeIdOf, idPage, offsetOf, offsetPage } from './paging.js';

const items = Array.from({ length: 7 }, (_, i) => ({ id: 70 - i * 10 }));

describe('paging', () => {
  it('pages a whole list by offset until nothing remains', () => {
    const first = offsetPage(items, { limit: 3 });
    expect(first.items.map((x) => x.id)).toEqual([70, 60, 50]);
    const second = offsetPage(items, { limit: 3, page_token: first.next_page_token });
    expect(second.items.map((x) => x.id)).toEqual([40, 30, 20]);
    const last = offsetPage(items, { limit: 3, page_token: second.next_page_token });
    expect(last).toEqual({ items: [{ id: 10 }] });
    expect(offsetPage(items, { limit: 7 })).toEqual({ items });
    expect(offsetPage(items, {}).items).toHaveLength(7);
  });

  it('pages by id below the last one seen', () => {
    const first = idPage(items.slice(0, 4), { limit: 3 });
    expect(first.items.map((x) => x.id)).toEqual([70, 60, 50]);
    expect(beforeIdOf({ page_token: first.next_page_token })).toBe(50);
    expect(idPage(items.slice(0, 3), { limit: 3 })).toEqual({ items: items.slice(0, 3) });
    expect(beforeIdOf({})).toBeUndefined();
  });

  it('refuses tokens it did not give out', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof SlipwayError && err.code === 'INVALID_PARAMETER_VALUE' ? err.message : String(err);
      }
      return 'accepted';
    };
    const message = "Invalid query parameter 'page_token': not a token this list gave out (pass next_page_token unchanged).";
    const token = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    expect(bad(() => offsetOf({ page_token: 'not base64 json' }))).toBe(message);
    expect(bad(() => offsetOf({ page_token: token({ o: -1 }) }))).toBe(message);
    expect(bad(() => offsetOf({ page_token: token({ b: 5 }) }))).toBe(message);
    expect(bad(() => beforeIdOf({ page_token: token({ o: 5 }) }))).toBe(message);
    expect(bad(() => beforeIdOf({ page_token: token('5') }))).toBe(message);
    expect(bad(() => offsetOf({ page_token: token({ o: 2 }) }))).toBe('accepted');
  });
});
