// Validation problems in words a person reads ("The comment is too long: it may have at most 5,000
// characters."), for the API's `details` and for forms alike. A schema's own message is kept; zod's
// generic ones ("Too big: expected string to have <=100 characters") are worded here per field.
import { z } from "zod";
import { AppError } from "@/lib/errors";

/** What people call the fields of the forms they use. */
const FIELD_NAMES: Record<string, string> = {
  comment: "the comment",
  evidenceUrl: "the evidence link",
  reason: "the reason",
  version: "the version",
  commit: "the commit",
  template: "the checklist",
  templateVersion: "the checklist version",
  changedFiles: "the changed files",
  path: "the file path",
  name: "the name",
  email: "the email address",
  role: "the role",
  permissions: "the permissions",
  expiresInDays: "the days until it expires",
  currentPassword: "the current password",
  newPassword: "the new password",
  confirmPassword: "the repeated new password",
  environment: "the environment",
  environments: "the environments",
  slug: "the short name",
  title: "the title",
  key: "the key",
  toVersion: "the release to roll back to",
  step: "the step",
};

/** "the comment"; unknown fields by their name in words ("the run url"); array positions counted from 1. */
export function fieldName(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((segment) => typeof segment === "string");
  if (last === undefined) return "the form";
  const name = FIELD_NAMES[last] ?? `the ${last.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase()}`;
  const index = path[path.lastIndexOf(last) + 1];
  return typeof index === "number" ? `${name} (number ${index + 1})` : name;
}

const count = (n: number | bigint, unit: string) => `${Number(n).toLocaleString("en-US")} ${unit}${Number(n) === 1 ? "" : "s"}`;
const UNITS: Record<string, string> = { string: "character", array: "entry", set: "entry", file: "byte" };
const TYPES: Record<string, string> = { string: "text", number: "a number", int: "a whole number", boolean: "yes or no", array: "a list", object: "a set of fields" };
const sentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** zod's own message for this issue, to tell it from one a schema gave. */
function isGeneric(issue: z.core.$ZodIssue): boolean {
  // Its invalid_type message names the input's type, which the issue no longer carries.
  if (issue.code === "invalid_type") return /^Invalid input: expected /.test(issue.message);
  const generic = z.config().localeError?.(issue as unknown as z.core.$ZodRawIssue);
  return (typeof generic === "string" ? generic : generic?.message) === issue.message;
}

function worded(issue: z.core.$ZodIssue): string {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case "too_big": {
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return `${field} must be ${issue.inclusive ? "at most" : "less than"} ${Number(issue.maximum).toLocaleString("en-US")}`;
      return `${field} is too long: it may have at most ${count(issue.maximum, UNITS[issue.origin] ?? "item")}`;
    }
    case "too_small": {
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") return `${field} must be ${issue.inclusive ? "at least" : "more than"} ${Number(issue.minimum).toLocaleString("en-US")}`;
      if (Number(issue.minimum) === 1) return issue.origin === "string" ? `enter ${field}` : `${field} needs at least one entry`;
      return `${field} is too short: it needs at least ${count(issue.minimum, UNITS[issue.origin] ?? "item")}`;
    }
    case "invalid_type":
      if (/received undefined$/.test(issue.message)) return `${field} is missing`;
      return `${field} should be ${TYPES[issue.expected] ?? issue.expected}`;
    case "invalid_format":
      if (issue.format === "email") return `${field} is not an email address`;
      if (issue.format === "url") return `${field} is not a web address (it starts with https://)`;
      return `${field} is not in the expected form`;
    case "invalid_value":
      return `${field} must be one of: ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `${issue.keys.length === 1 ? "this field is" : "these fields are"} not known here: ${issue.keys.join(", ")}`;
    case "not_multiple_of":
      return `${field} must be a multiple of ${String(issue.divisor)}`;
    default:
      return `${field} is not valid`;
  }
}

/** One problem as a sentence. */
export function humanMessage(issue: z.core.$ZodIssue): string {
  return sentence(isGeneric(issue) ? worded(issue) : issue.message);
}

/**
 * Every field's problem, each with the field's path (`changedFiles.2.path`) and a sentence. One per
 * field: an empty link is not also "not http", an empty name not also "has control characters".
 */
export function humanDetails(error: z.ZodError): { path: string; message: string }[] {
  const byPath = new Map<string, string>();
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    if (!byPath.has(path)) byPath.set(path, humanMessage(issue));
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/** A request body that failed validation, as every API route answers it: 422 with each problem in words. */
export function invalidBody(error: z.ZodError): AppError {
  return new AppError("validation_failed", "the request body is not valid", humanDetails(error));
}
