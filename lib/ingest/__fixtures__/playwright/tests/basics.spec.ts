// A small real Playwright suite that never opens a browser: its junit report is a fixture
// for lib/ingest/junit.ts.
import { expect, test } from "@playwright/test";

test.describe("checkout", () => {
  test("adds numbers", () => {
    expect(1 + 1).toBe(2);
  });

  test("fails", () => {
    expect("shipcheck", "release name").toBe("shipit");
  });

  test.skip("is skipped", () => {});

  test("passes on retry", ({}, testInfo) => {
    expect(testInfo.retry, "fails the first attempt").toBe(1);
  });
});

test("top-level test", () => {
  expect(true).toBe(true);
});
