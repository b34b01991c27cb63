// A small real node:test suite: its `node --test --test-reporter=junit` report is a fixture
// for lib/ingest/junit.ts.
import assert from "node:assert/strict";
import { describe, it, test } from "node:test";

describe("math", () => {
  it("adds", () => {
    assert.equal(1 + 1, 2);
  });

  it("fails", () => {
    assert.equal(1 + 1, 3, "one plus one is not three");
  });

  it.skip("is skipped", () => {});

  describe("nested", () => {
    it("multiplies", () => {
      assert.equal(2 * 3, 6);
    });
  });
});

test("top-level test", () => {
  assert.ok(true);
});
