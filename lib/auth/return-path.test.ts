import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./return-path";

describe("safeReturnPath", () => {
  it("keeps same-site paths with their query and fragment", () => {
    expect(safeReturnPath("/projects/web/releases/1.2.0?tab=gate#staging")).toBe("/projects/web/releases/1.2.0?tab=gate#staging");
    expect(safeReturnPath(["/projects", "/other"])).toBe("/projects");
  });

  it("refuses anything that a browser would send to another host", () => {
    for (const evil of [
      "/\\evil.example/",
      "\\\\evil.example",
      "//evil.example",
      "///evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "evil.example",
      "",
    ]) {
      expect(safeReturnPath(evil), JSON.stringify(evil)).toBe("/");
    }
    expect(safeReturnPath(undefined)).toBe("/");
    expect(safeReturnPath(null)).toBe("/");
  });
});
