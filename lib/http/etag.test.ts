import { describe, expect, it } from "vitest";
import { entityTag, matchesTag } from "./etag";

describe("entity tags", () => {
  it("changes with any part", () => {
    expect(entityTag("r1", "staging")).toBe(entityTag("r1", "staging"));
    expect(entityTag("r1", "staging")).not.toBe(entityTag("r2", "staging"));
    expect(entityTag("r1", "staging")).not.toBe(entityTag("r1staging"));
  });

  it("compares weakly, in lists, and with *", () => {
    const tag = entityTag("x");
    expect(matchesTag(tag, tag)).toBe(true);
    expect(matchesTag(tag.replace(/^W\//, ""), tag)).toBe(true);
    expect(matchesTag(`"other", ${tag}`, tag)).toBe(true);
    expect(matchesTag("*", tag)).toBe(true);
    expect(matchesTag('"other"', tag)).toBe(false);
    expect(matchesTag(null, tag)).toBe(false);
    expect(matchesTag("", tag)).toBe(false);
  });
});
