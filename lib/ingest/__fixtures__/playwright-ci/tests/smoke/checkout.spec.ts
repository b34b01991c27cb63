// A small real Playwright suite that never opens a browser; see ../../../README.md.
import { expect, test } from "@playwright/test";

test.describe("checkout", () => {
  test.describe("cart", () => {
    test("adds", () => {
      expect(1 + 1).toBe(2);
    });

    test("removes", () => {
      expect({ items: 1 }).toEqual({ items: 0 });
    });

    test.skip("applies a coupon", () => {});

    for (const [n, doubled] of [
      [1, 2],
      [2, 5],
    ] as const) {
      test(`doubles ${n}`, () => {
        expect(n * 2).toBe(doubled);
      });
    }

    test("passes on retry", ({}, testInfo) => {
      expect(testInfo.retry, "fails the first attempt").toBe(1);
    });
  });

  test("shows the total", () => {
    expect("total").toBe("total");
  });
});
