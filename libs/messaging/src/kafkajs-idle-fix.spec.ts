/**
 * The kafkajs request-queue fix (kafkajs-idle-fix.ts): no timer while nothing waits, kafkajs's own check
 * interval while requests wait, and the end of a throttle respected.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';
import './kafkajs-idle-fix.js';

const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const queue = () =>
  new RequestQueue({ clientId: 'test', broker: 'localhost:9092', logger, requestTimeout: 1000 });

afterEach(() => {
  vi.useRealTimers();
});

describe('kafkajs request queue with the idle fix', () => {
  it('given nothing pending, when a check is scheduled (after every answered request), then no timer is left running', () => {
    vi.useFakeTimers();
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId ?? null).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    q.destroy();
  });

  it('given a waiting request, then the queue is checked again after 10 ms, once', () => {
    vi.useFakeTimers();
    const q = queue();
    q.pending.push({});
    const check = vi.spyOn(q, 'checkPendingRequests').mockImplementation(() => undefined);
    q.scheduleCheckPendingRequests();
    q.scheduleCheckPendingRequests();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(9);
    expect(check).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(1);
    q.destroy();
  });

  it('given a throttled connection with a waiting request, then the check comes when the throttle ends', () => {
    vi.useFakeTimers();
    const q = queue();
    q.pending.push({});
    q.throttledUntil = Date.now() + 250;
    const check = vi.spyOn(q, 'checkPendingRequests').mockImplementation(() => undefined);
    q.scheduleCheckPendingRequests();
    vi.advanceTimersByTime(249);
    expect(check).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(check).toHaveBeenCalledTimes(1);
    q.destroy();
  });
});
