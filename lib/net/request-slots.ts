import PQueue from "p-queue";

/**
 * At most `capacity` HTTP requests of one scan are in flight at once, whichever API they go to.
 * The queue is p-queue's: waiters are served first come, first served (its queue keeps FIFO order
 * for equal priorities) and leave it when their signal aborts, rejecting with the signal's reason.
 */
export class RequestSlots {
  private readonly queue: PQueue;

  constructor(readonly capacity: number) {
    // p-queue accepts fractions and Infinity; a request budget is a whole, finite number.
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${capacity}`);
    }
    this.queue = new PQueue({ concurrency: capacity });
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.queue.pending;
  }

  /**
   * Runs `task` once a slot is free. `signal` only withdraws a waiter: a started request keeps its
   * slot until it settles. Handed to p-queue as is, the signal would also race the running task and
   * free its slot at the abort while the request is still on the wire (p-queue's docs: "a task whose
   * signal aborted while it ran no longer counts, although its function can still run"), so the
   * queue sees a signal that follows the caller's only until the task starts.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!signal) return this.queue.add(() => task());
    const waiting = new AbortController();
    const withdraw = () => waiting.abort(signal.reason);
    if (signal.aborted) withdraw();
    else signal.addEventListener("abort", withdraw, { once: true });
    try {
      return await this.queue.add(
        () => {
          signal.removeEventListener("abort", withdraw);
          return task();
        },
        { signal: waiting.signal },
      );
    } finally {
      signal.removeEventListener("abort", withdraw);
    }
  }
}

/** Runs `worker` over `items` with at most `limit` running at once; results keep the input order. */
export function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  // A limit below one still makes progress, one at a time, as the lanes it replaced did.
  const queue = new PQueue({ concurrency: Math.max(1, limit) });
  return Promise.all(items.map((item, index) => queue.add(() => worker(item, index))));
}
