import PQueue from "p-queue";

/**
 * A pool of coarse scan tasks (one per subscription, one per cluster) with at most `limit` running,
 * on p-queue. Tasks may add tasks (a subscription read through the ARM fallback discovers its
 * clusters), and `drain` resolves once everything added, directly or indirectly, has finished
 * (p-queue's onIdle: nothing queued, nothing running). Tasks handle their own failures; an error
 * escaping a task is a bug and fails the drain, after the other tasks have finished.
 */
export class TaskPool {
  private readonly queue: PQueue;
  private failure: unknown;

  constructor(limit: number) {
    this.queue = new PQueue({ concurrency: limit });
  }

  add(task: () => Promise<void>): void {
    // Caught inside the task, so the failure is recorded before the task counts as finished, whatever
    // the order of p-queue's own promise callbacks; the promise add() returns then never rejects.
    void this.queue.add(async () => {
      try {
        await task();
      } catch (error) {
        this.failure ??= error;
      }
    });
  }

  async drain(): Promise<void> {
    await this.queue.onIdle();
    if (this.failure !== undefined) throw this.failure;
  }
}
