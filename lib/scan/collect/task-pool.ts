/**
 * A pool of coarse scan tasks (one per subscription, one per cluster) with at most `limit` running.
 * Tasks may add tasks (a subscription read through the ARM fallback discovers its clusters), and
 * `drain` resolves once everything added, directly or indirectly, has finished. Tasks handle their
 * own failures; an error escaping a task is a bug and fails the drain.
 */
export class TaskPool {
  private running = 0;
  private readonly queue: Array<() => Promise<void>> = [];
  private failure: unknown;
  private idle: (() => void) | undefined;

  constructor(private readonly limit: number) {}

  add(task: () => Promise<void>): void {
    this.queue.push(task);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.limit && this.queue.length > 0) {
      const task = this.queue.shift() as () => Promise<void>;
      this.running += 1;
      void task()
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => {
          this.running -= 1;
          this.pump();
        });
    }
    if (this.running === 0 && this.queue.length === 0) this.idle?.();
  }

  async drain(): Promise<void> {
    if (this.running > 0 || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        this.pump();
      });
    }
    if (this.failure !== undefined) throw this.failure;
  }
}
