// Group commit (docs/decisions/021): work for one key, such as a release, that arrives while the
// key's previous batch is being stored waits, and is then stored with everything else waiting, in
// one go. A busy release pays for its lock, its gate evaluation and its audit chain once per batch
// instead of once per report; an idle one stores a report at once. The queue is this process's;
// across instances the database's own lock still orders the batches.

export type BatchRules<T> = {
  /** At most this many items in one batch. */
  maxItems: number;
  /** At most this much weight (say, results) in one batch; an item heavier than that goes alone. */
  maxWeight: number;
  /** Whether `other` may be stored in the same batch as `first` (items that don't wait for a later one, in order). */
  fits: (first: T, other: T) => boolean;
};

/**
 * A failure after the batch was stored (committed): its items are not stored again one by one,
 * which would store them twice; each gets `cause`.
 */
export class FailedAfterStore extends Error {
  constructor(override readonly cause: unknown) {
    super("the batch was stored, but its answers could not be made");
  }
}

type Waiting<T, R> = { item: T; weight: number; resolve: (result: R) => void; reject: (error: unknown) => void };

export class GroupCommit<T, R> {
  private readonly queues = new Map<string, Waiting<T, R>[]>();

  /** `store` stores items together, all or none, and returns one result per item, in order. */
  constructor(
    private readonly store: (items: T[]) => Promise<R[]>,
    private readonly rules: BatchRules<T>,
  ) {}

  /** Stores `item` with whatever else is waiting for `key`; settles when its batch is stored. */
  add(key: string, item: T, weight: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = { item, weight, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(key, [waiting]);
      void this.drain(key);
    });
  }

  /** How many items wait for a key (for tests and metrics). */
  waiting(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0) await this.settle(this.take(queue));
    this.queues.delete(key);
  }

  /** The first waiting item and, in arrival order, every later one that fits it and the limits. */
  private take(queue: Waiting<T, R>[]): Waiting<T, R>[] {
    const first = queue.shift()!;
    const batch = [first];
    let weight = first.weight;
    for (let i = 0; i < queue.length && batch.length < this.rules.maxItems; ) {
      const next = queue[i]!;
      if (weight + next.weight <= this.rules.maxWeight && this.rules.fits(first.item, next.item)) {
        batch.push(next);
        weight += next.weight;
        queue.splice(i, 1);
      } else i++;
    }
    return batch;
  }

  private async settle(batch: Waiting<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.store(batch.map((w) => w.item));
    } catch (error) {
      if (error instanceof FailedAfterStore) {
        for (const waiting of batch) waiting.reject(error.cause);
        return;
      }
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Nothing of the batch was stored; one bad item must not fail the others, so each goes alone.
      for (const waiting of batch) await this.settle([waiting]);
      return;
    }
    batch.forEach((waiting, i) => waiting.resolve(results[i]!));
  }
}
