import { ResponseCache } from '../src/query/response-cache';

const entry = (text: string) => ({ body: Buffer.from(text), contentType: 'application/json' });

describe('the response cache', () => {
  it('admits an answer only when its key is asked for the second time', () => {
    const cache = new ResponseCache();
    expect(cache.admits('"a"')).toBe(false);
    expect(cache.admits('"b"')).toBe(false);
    expect(cache.admits('"a"')).toBe(true);
    // Once admitted, a key starts over: a third ask without the answer kept is again a first one.
    expect(cache.admits('"a"')).toBe(false);
    expect(cache.admits('"b"')).toBe(true);
  });

  it('forgets what was asked once when cleared, like the answers it keeps', () => {
    const cache = new ResponseCache();
    cache.admits('"a"');
    cache.set('"a"', entry('{"x":1}'));
    cache.clear();
    expect(cache.get('"a"')).toBeUndefined();
    expect(cache.admits('"a"')).toBe(false);
  });

  it('keeps the latest answer set for a key, once', () => {
    const cache = new ResponseCache();
    cache.set('"a"', entry('{"x":1}'));
    cache.set('"a"', entry('{"x":2}'));
    expect(cache.get('"a"')!.body.toString()).toBe('{"x":2}');
  });
});
