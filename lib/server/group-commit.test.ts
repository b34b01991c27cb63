// The group commit's queue, with a store that records its batches: what waits is stored together,
// within the limits, in arrival order; a failed batch is retried item by item.
import { describe, expect, it } from "vitest";
import { FailedAfterStore, GroupCommit } from "./group-commit";

type Item = { n: number; kind: string; fail?: boolean };

function harness(rules: { maxItems?: number; maxWeight?: number } = {}) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const store = async (items: Item[]) => {
    batches.push(items.map((i) => i.n));
    await gate;
    if (items.some((i) => i.fail)) throw new Error(`bad item in ${items.map((i) => i.n).join(",")}`);
    return items.map((i) => `stored ${i.n}`);
  };
  const commit = new GroupCommit<Item, string>(store, {
    maxItems: rules.maxItems ?? 50,
    maxWeight: rules.maxWeight ?? 1_000,
    fits: (first, other) => other.kind === first.kind,
  });
  const hold = () => {
    gate = new Promise<void>((resolve) => (release = resolve));
  };
  return { batches, commit, hold, release: () => release() };
}

describe("group commit", () => {
  it("stores an item at once when nothing waits, and what arrived meanwhile together", async () => {
    const h = harness();
    h.hold();
    const first = h.commit.add("r1", { n: 1, kind: "a" }, 1);
    await Promise.resolve();
    const rest = [2, 3, 4].map((n) => h.commit.add("r1", { n, kind: "a" }, 1));
    expect(h.commit.waiting("r1")).toBe(3);
    h.release();
    expect(await Promise.all([first, ...rest])).toEqual(["stored 1", "stored 2", "stored 3", "stored 4"]);
    expect(h.batches).toEqual([[1], [2, 3, 4]]);
    expect(h.commit.waiting("r1")).toBe(0);
  });

  it("keeps keys apart, and leaves what does not fit for a later batch in its order", async () => {
    const h = harness();
    h.hold();
    const all = [h.commit.add("r1", { n: 1, kind: "a" }, 1)];
    await Promise.resolve();
    all.push(h.commit.add("r1", { n: 2, kind: "b" }, 1), h.commit.add("r1", { n: 3, kind: "a" }, 1), h.commit.add("r1", { n: 4, kind: "b" }, 1));
    all.push(h.commit.add("r2", { n: 5, kind: "a" }, 1));
    h.release();
    await Promise.all(all);
    expect(h.batches).toEqual([[1], [5], [2, 4], [3]]);
  });

  it("respects the item and weight limits; a heavy item goes alone", async () => {
    const h = harness({ maxItems: 2, maxWeight: 10 });
    h.hold();
    const all = [h.commit.add("r1", { n: 0, kind: "a" }, 1)];
    await Promise.resolve();
    all.push(...[1, 2, 3].map((n) => h.commit.add("r1", { n, kind: "a" }, 1)));
    all.push(h.commit.add("r1", { n: 4, kind: "a" }, 50), h.commit.add("r1", { n: 5, kind: "a" }, 6), h.commit.add("r1", { n: 6, kind: "a" }, 6));
    h.release();
    await Promise.all(all);
    expect(h.batches).toEqual([[0], [1, 2], [3, 5], [4], [6]]);
  });

  it("retries a failed batch item by item: only the bad item fails, with its own error", async () => {
    const h = harness();
    h.hold();
    const first = h.commit.add("r1", { n: 1, kind: "a" }, 1);
    await Promise.resolve();
    const good = h.commit.add("r1", { n: 2, kind: "a" }, 1);
    const bad = h.commit.add("r1", { n: 3, kind: "a", fail: true }, 1);
    const alsoGood = h.commit.add("r1", { n: 4, kind: "a" }, 1);
    h.release();
    await expect(bad).rejects.toThrow("bad item in 3");
    expect(await Promise.all([first, good, alsoGood])).toEqual(["stored 1", "stored 2", "stored 4"]);
    expect(h.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    // The queue is usable afterwards.
    expect(await h.commit.add("r1", { n: 5, kind: "a" }, 1)).toBe("stored 5");
  });

  it("does not store again a batch that failed after it was stored: each item gets the cause", async () => {
    const calls: number[][] = [];
    const commit = new GroupCommit<number, string>(
      async (items) => {
        calls.push(items);
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new FailedAfterStore(new Error("answer failed"));
      },
      { maxItems: 10, maxWeight: 10, fits: () => true },
    );
    const first = commit.add("r", 1, 1);
    await Promise.resolve();
    const others = [2, 3].map((n) => commit.add("r", n, 1));
    const settled = await Promise.allSettled([first, ...others]);
    expect(settled.map((s) => (s.status === "rejected" ? (s.reason as Error).message : "stored"))).toEqual(["answer failed", "answer failed", "answer failed"]);
    // One call per batch, none item by item.
    expect(calls).toEqual([[1], [2, 3]]);
  });
});
