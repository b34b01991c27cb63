import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { repairMojibake } from "./markdown-mojibake";
import { describeRepairs, visible } from "./markdown-text";

const fixture = readFileSync(fileURLToPath(new URL("../../prisma/seed/deployment-checklist.md", import.meta.url)), "utf8");

/** What a UTF-8 text looks like when its bytes are read as Mac Roman (the Encoding Standard's table). */
function asMacRoman(text: string): string {
  return new TextDecoder("macintosh").decode(new TextEncoder().encode(text));
}

describe("repairMojibake: the team's checklist", () => {
  const { text, repairs } = repairMojibake(fixture);

  it("repairs the three mis-encoded emoji, and only them", () => {
    expect(describeRepairs(repairs)).toEqual([
      '"<U+F8FF>üö®" → "🚨" on line 3',
      '"‚úÖ" → "✅" on lines 17, 18, 19',
      '"‚ùå" → "❌" on lines 76, 77, 78, 79',
    ]);
    const lines = text.split("\n");
    expect(lines[2]).toBe("## 🚨 CRITICAL: WebSocket Agent Events");
    expect(lines[16]).toBe("- ✅ All 5 tests in `test_final_validation.py` MUST pass");
    expect(lines[75]).toBe("- ❌ Any mission critical test fails");
    expect(text).not.toMatch(/[\uF8FF‚úüö®]/);
  });

  it("changes nothing else: undoing each repair gives back the file", () => {
    let undone = text;
    for (const { from, to } of repairs) undone = undone.replace(to, from);
    expect(undone).toBe(fixture);
    expect(text.split("\n")).toHaveLength(fixture.split("\n").length);
  });

  it("is idempotent", () => {
    expect(repairMojibake(text)).toEqual({ text, repairs: [] });
  });
});

describe("repairMojibake: other text", () => {
  it("repairs any UTF-8 character read as Mac Roman: arrows, quotes, emoji with variation selectors, accents", () => {
    for (const original of ["Deploy → verify", "the team’s file", "⚠️ Warning", "Zürich café", "naïve “quote”", "🚀 Ship it 🎉", "ł and ő"]) {
      const mangled = asMacRoman(original);
      expect(mangled).not.toBe(original);
      expect(repairMojibake(mangled).text, mangled).toBe(original);
    }
    expect(repairMojibake("‚Üí ‚Äô ‚ö†Ô∏è").text).toBe("→ ’ ⚠️");
  });

  it("never touches text that merely looks like Mac Roman", () => {
    for (const legit of [
      "Café, naïve, Über, déjà vu — ça va",
      "“élan” and «ça» and –é", // “é would be U+048E and «ç U+01CD: Cyrillic and Latin B, not repaired
      "Ã© is Latin-1 mojibake, not Mac Roman", // CC A9: a combining mark, not a letter
      "√2 ≈ 1.414, ∆t ≤ 5 µs, 100 °C, ©™®",
      "ÂÊÎ ÔÛ ‡· „‰",
      "One ‚ alone, an apple \uF8FF alone",
      "Already fine: ✅ ❌ 🚨 →",
    ]) {
      expect(repairMojibake(legit), legit).toEqual({ text: legit, repairs: [] });
    }
  });

  it("repairs only the exact sequences inside a longer run, leaving their neighbours", () => {
    expect(repairMojibake("“‚úÖ”").text).toBe("“✅”");
    expect(repairMojibake("é‚úÖé").text).toBe("é✅é");
    // A sequence cut short (the last byte missing) stays as it is.
    expect(repairMojibake("‚ú done").text).toBe("‚ú done");
  });

  it("counts lines across the whole text", () => {
    const { repairs } = repairMojibake("one\ntwo ‚úÖ\n\nfour ‚úÖ ‚ùå\n");
    expect(repairs).toEqual([
      { line: 2, from: "‚úÖ", to: "✅" },
      { line: 4, from: "‚úÖ", to: "✅" },
      { line: 4, from: "‚ùå", to: "❌" },
    ]);
  });

  it("names private-use characters instead of showing nothing", () => {
    expect(visible("\uF8FFüö®")).toBe("<U+F8FF>üö®");
  });
});
