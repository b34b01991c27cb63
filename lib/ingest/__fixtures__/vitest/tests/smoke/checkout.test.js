// Sample suite for the vitest fixtures (see ../../../README.md). Fails on purpose.
import { describe, expect, it } from "vitest";

let attempts = 0;

describe("checkout", () => {
  describe("cart", () => {
    it("adds", () => {
      expect(1 + 1).toBe(2);
    });

    it("removes", () => {
      expect({ items: 1 }).toEqual({ items: 0 });
    });

    it.skip("applies a coupon", () => {});

    it.each([
      [1, 2],
      [2, 5],
    ])("doubles %i", (n, doubled) => {
      expect(n * 2).toBe(doubled);
    });

    it("passes on retry", { retry: 2 }, () => {
      attempts += 1;
      if (attempts < 2) throw new Error(`attempt ${attempts} fails`);
    });
  });

  it("shows the total", () => {
    expect("total").toBe("total");
  });
});
