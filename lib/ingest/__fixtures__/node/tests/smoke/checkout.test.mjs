// Sample suite for the node --test fixture (see ../../../README.md). Fails on purpose.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

describe("checkout", () => {
  describe("cart", () => {
    it("adds", () => {
      assert.equal(1 + 1, 2);
    });

    it("removes", () => {
      assert.deepEqual({ items: 1 }, { items: 0 });
    });

    it.skip("applies a coupon", () => {});

    for (const [n, doubled] of [
      [1, 2],
      [2, 5],
    ]) {
      it(`doubles ${n}`, () => {
        assert.equal(n * 2, doubled);
      });
    }
  });

  it("shows the total", () => {
    assert.equal("total", "total");
  });
});
