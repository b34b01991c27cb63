import { describe, expect, it } from "vitest";
import { badgeMessage, badgeSvg, escapeXml } from "./svg";

describe("gate badge", () => {
  it("says open, blocked (n) or overridden", () => {
    expect(badgeMessage({ open: true, overridden: false, blocking: [] })).toEqual({ message: "open", tone: "open" });
    const blocker = { item: "x", title: "X", reason: "pending" as const, detail: "no result yet" };
    expect(badgeMessage({ open: false, overridden: false, blocking: [blocker, blocker, blocker] })).toEqual({ message: "blocked (3)", tone: "blocked" });
    expect(badgeMessage({ open: true, overridden: true, blocking: [blocker] })).toEqual({ message: "overridden", tone: "overridden" });
  });

  it("escapes every piece of text", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    const svg = badgeSvg({ label: "<gate>", message: `"open" & 'shut'`, tone: "open", title: `</title><script>alert(1)</script>` });
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("<gate>");
    expect(svg).toContain("&lt;gate&gt;");
    expect(svg).toContain("&quot;open&quot; &amp; &apos;shut&apos;");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="20"/);
    expect(svg).toContain('fill="#2e7d32"');
  });
});
