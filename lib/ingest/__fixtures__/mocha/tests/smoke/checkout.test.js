// Sample suite for the mocha fixtures (see ../../../README.md). Fails on purpose.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha runs this file as CommonJS
const assert = require("node:assert/strict");

let attempts = 0;

describe("checkout", function () {
  describe("cart", function () {
    it("adds", function () {
      assert.equal(1 + 1, 2);
    });

    it("removes", function () {
      assert.deepEqual({ items: 1 }, { items: 0 });
    });

    it.skip("applies a coupon", function () {});

    for (const [n, doubled] of [
      [1, 2],
      [2, 5],
    ]) {
      it(`doubles ${n}`, function () {
        assert.equal(n * 2, doubled);
      });
    }

    it("passes on retry", function () {
      this.retries(2);
      attempts += 1;
      if (attempts < 2) throw new Error(`attempt ${attempts} fails`);
    });
  });

  it("shows the total", function () {
    assert.equal("total", "total");
  });
});
