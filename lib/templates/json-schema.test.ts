import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { templateJsonSchema } from "./json-schema";

describe("template JSON Schema", () => {
  it("matches the committed docs/template.schema.json (run scripts/write-template-schema.ts after changing the model)", async () => {
    const committed = JSON.parse(await readFile("docs/template.schema.json", "utf8"));
    expect(committed).toEqual(templateJsonSchema());
  });

  it("describes the four item kinds and the five phases", () => {
    const text = JSON.stringify(templateJsonSchema());
    for (const word of ["check", "metric", "manual", "watch", "pre-deploy", "rollback", "guardedPaths"]) expect(text).toContain(`"${word}"`);
  });
});
