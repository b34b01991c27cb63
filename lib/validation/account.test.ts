import { describe, expect, it } from "vitest";
import { zodDetails } from "@/lib/http/respond";
import { changePasswordFormSchema, changePasswordSchema } from "./account";

const problems = (schema: typeof changePasswordSchema | typeof changePasswordFormSchema, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : zodDetails(parsed.error);
};

describe("changing a password: the rules", () => {
  it("reports every problem of the form at once, one per field, in sentences", () => {
    expect(problems(changePasswordFormSchema, { currentPassword: "", newPassword: "short", confirmPassword: "shorter" })).toEqual([
      { path: "currentPassword", message: "Enter your current password." },
      { path: "newPassword", message: "The new password is too short: it has 5 characters and needs at least 12." },
      { path: "confirmPassword", message: "The two new passwords are different. Type the same new password twice." },
    ]);
  });

  it("counts characters as a person does (an emoji is one), and bounds the length at what sign-in accepts", () => {
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "🔑".repeat(11) })[0]?.message).toContain("it has 11 characters");
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "🔑".repeat(12) })).toEqual([]);
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "x".repeat(1024) })).toEqual([]);
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "x".repeat(1025) })[0]?.path).toBe("newPassword");
  });

  it("refuses the current password again, an empty one and one of spaces only", () => {
    expect(problems(changePasswordSchema, { currentPassword: "the same password", newPassword: "the same password" })[0]?.message).toBe("The new password is the same as the current one. Choose a different one.");
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "" })[0]?.message).toBe("Enter a new password.");
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: " ".repeat(20) })[0]?.message).toBe("The new password cannot be only spaces.");
  });

  it("the API's body has no confirmation field and no others", () => {
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "a long new password" })).toEqual([]);
    expect(problems(changePasswordSchema, { currentPassword: "old", newPassword: "a long new password", confirmPassword: "x" }).map((p) => p.path)).toEqual([""]);
  });
});
