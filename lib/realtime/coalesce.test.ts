import { describe, expect, it } from "vitest";
import { coalesced } from "./coalesce";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("coalesced", () => {
  it("runs once per quiet trigger, and once more after a run that changes arrived during", async () => {
    const releases: (() => void)[] = [];
    let runs = 0;
    const trigger = coalesced(() => {
      runs++;
      return new Promise<void>((resolve) => releases.push(resolve));
    });
    trigger();
    expect(runs).toBe(1);
    // A burst while the first refetch is in flight: it may have read before them, so one more follows.
    trigger();
    trigger();
    trigger();
    expect(runs).toBe(1);
    releases.shift()!();
    await tick();
    expect(runs).toBe(2);
    releases.shift()!();
    await tick();
    expect(runs).toBe(2);
    trigger();
    expect(runs).toBe(3);
  });

  it("keeps working after a failed run", async () => {
    let runs = 0;
    const trigger = coalesced(async () => {
      runs++;
      if (runs === 1) throw new Error("HTTP 503");
    });
    trigger();
    trigger();
    await tick();
    await tick();
    expect(runs).toBe(2);
    trigger();
    await tick();
    expect(runs).toBe(3);
  });
});
