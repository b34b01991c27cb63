// Validation problems in words a person reads, for the forms people use, with each field's path kept.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { createReleaseSchema, createTokenSchema } from "./admin";
import { addMemberSchema } from "./members";
import { changePasswordFormSchema } from "./account";
import { revokeSignOffInputSchema, signOffInputSchema } from "./signoff";
import { fieldName, humanDetails } from "./wording";
import { parseTemplate } from "@/lib/templates/parse";

function problems(schema: z.ZodType, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected the input to be refused");
  return humanDetails(parsed.error);
}

describe("validation wording", () => {
  it("a sign-off: every problem at once, none in zod's words", () => {
    const found = problems(signOffInputSchema, { environment: "Staging!", comment: "x".repeat(5_001), evidenceUrl: "ftp://example.com/shot.png", extra: 1 });
    expect(found).toEqual([
      { path: "environment", message: "Environment names use lower-case letters, digits, '-' and '_'." },
      { path: "comment", message: "The comment is too long: it may have at most 5,000 characters." },
      { path: "evidenceUrl", message: "Only http and https links are allowed." },
      { path: "", message: "This field is not known here: extra." },
    ]);
    expect(problems(signOffInputSchema, { environment: "staging", evidenceUrl: "not a link" })).toEqual([
      { path: "evidenceUrl", message: "The evidence link is not a web address (it starts with https://)." },
    ]);
  });

  it("a revocation without a reason asks for one", () => {
    expect(problems(revokeSignOffInputSchema, { reason: "   " })).toEqual([{ path: "reason", message: "Say why the sign-off is revoked." }]);
    expect(problems(revokeSignOffInputSchema, {})).toEqual([{ path: "reason", message: "The reason is missing." }]);
  });

  it("a new release names each field and its limit", () => {
    const found = problems(createReleaseSchema, { version: "v".repeat(101), commit: "xyz", template: "", templateVersion: 0, changedFiles: ["ok", 5] });
    expect(found.map((p) => p.path)).toEqual(["version", "commit", "template", "templateVersion", "changedFiles.1"]);
    expect(found[0]!.message).toBe("The version is too long: it may have at most 100 characters.");
    expect(found[1]!.message).toBe("A commit SHA is 7 to 64 hexadecimal characters.");
    expect(found[2]!.message).toBe("Enter the checklist.");
    expect(found[3]!.message).toBe("The checklist version must be more than 0.");
    for (const problem of found) expect(problem.message).not.toMatch(/Too big|Too small|Invalid input|expected|Unrecognized/);
  });

  it("tokens and members: names, numbers, roles and addresses", () => {
    expect(problems(createTokenSchema, { project: "p", name: "n".repeat(101), permissions: ["nope"], expiresInDays: 1.5 }).map((p) => p.message)).toEqual([
      "The name is too long: it may have at most 100 characters.",
      expect.stringMatching(/^The permissions \(number 1\) must be one of: results:write, /),
      "The days until it expires should be a whole number.",
    ]);
    expect(problems(addMemberSchema, { email: "someone", role: "owner" })).toEqual([
      { path: "email", message: "The email address is not an email address." },
      { path: "role", message: "The role must be one of: viewer, engineer, release-manager, admin." },
    ]);
  });

  it("the password form keeps its own sentences", () => {
    expect(problems(changePasswordFormSchema, { currentPassword: "", newPassword: "short", confirmPassword: "other" }).map((p) => p.message)).toEqual([
      "Enter your current password.",
      "The new password is too short: it has 5 characters and needs at least 12.",
      "The two new passwords are different. Type the same new password twice.",
    ]);
  });

  it("the template editor says what is wrong and where", () => {
    const parsed = parseTemplate("name: t\nsections:\n  - title: S\n    phase: later\n    items: []\n");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    for (const problem of parsed.problems) expect(problem.message).not.toMatch(/Invalid option|Too small|expected/);
    expect(parsed.problems).toContainEqual(expect.objectContaining({ path: "sections.0.phase", message: expect.stringMatching(/^The phase must be one of: pre-deploy, /) }));
  });

  it("fields without a known name are named in words", () => {
    expect(fieldName(["run", "startedAt"])).toBe("the started at");
    expect(fieldName(["changedFiles", 2, "path"])).toBe("the file path");
    expect(fieldName(["sections", 0])).toBe("the sections (number 1)");
    expect(fieldName([])).toBe("the form");
  });
});
