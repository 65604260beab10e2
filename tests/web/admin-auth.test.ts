import { describe, expect, it } from 'vitest';
import { createFailureThrottle } from '../../src/web/admin-auth.ts';

describe('failed-token throttle', () => {
  it('lets a burst through, then asks to wait, and forgets failures as time passes', () => {
    let t = 0;
    const throttle = createFailureThrottle({ maxFailures: 3, decaySeconds: 10, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('a')).toBe(0);
      throttle.fail('a');
    }
    expect(throttle.retryAfter('a')).toBe(10);
    expect(throttle.retryAfter('b')).toBe(0);
    t = 5_000;
    expect(throttle.retryAfter('a')).toBe(5);
    t = 10_000;
    expect(throttle.retryAfter('a')).toBe(0);
    throttle.fail('a');
    expect(throttle.retryAfter('a')).toBe(10);
  });

  it('counts attempts while blocked, up to twice the limit', () => {
    let t = 0;
    const throttle = createFailureThrottle({ maxFailures: 2, decaySeconds: 10, now: () => t });
    for (let i = 0; i < 20; i++) throttle.fail('a');
    expect(throttle.retryAfter('a')).toBe(30);
    t = 30_000;
    expect(throttle.retryAfter('a')).toBe(0);
  });

  it('remembers a bounded number of clients', () => {
    const throttle = createFailureThrottle({ maxFailures: 1, decaySeconds: 60, maxTracked: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) throttle.fail(`c${i}`);
    expect(throttle.retryAfter('c999')).toBeGreaterThan(0);
    expect(throttle.retryAfter('c0')).toBe(0);
  });
});
