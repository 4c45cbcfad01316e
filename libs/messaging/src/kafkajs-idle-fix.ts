/**
 * kafkajs 2.2.4 keeps a timer loop running on every broker connection once the connection has answered a request:
 * RequestQueue.scheduleCheckPendingRequests schedules the next check even when nothing waits, with a negative
 * delay (throttledUntil is -1), so each connection wakes its process about once a millisecond for as long as it
 * lives (tulios/kafkajs#1556; the fix proposed in #1667 is not released). On the 2-core machine that was about
 * 0.04 of a core per idle service and half of the gateway's idle CPU (docs/benchmarks.md).
 *
 * This applies that fix: a check is scheduled only while requests wait (throttled, or over the in-flight limit);
 * a request that cannot be sent at once schedules one when it is queued, and every answered request checks the
 * queue, as before.
 */
import RequestQueue from 'kafkajs/src/network/requestQueue/index.js';

/** kafkajs's own interval between checks while requests wait and the connection is not throttled. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

const PATCHED = Symbol.for('jmap.kafkajs.requestQueueIdleFix');

export function applyKafkajsIdleFix(): void {
  const proto = RequestQueue.prototype as RequestQueue & { [PATCHED]?: true };
  if (proto[PATCHED] || typeof proto.scheduleCheckPendingRequests !== 'function') return;
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };
  proto[PATCHED] = true;
}

applyKafkajsIdleFix();
