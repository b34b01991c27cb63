// Field rules shared by API handlers, forms and the CLI.
import { z } from "zod";

export const commitSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, "a commit SHA is 7 to 64 hexadecimal characters").transform((s) => s.toLowerCase());

export const environmentName = z.string().min(1).max(60).regex(/^[a-z0-9][a-z0-9_-]*$/, "environment names use lower-case letters, digits, '-' and '_'");

export const slug = z.string().min(1).max(60).regex(/^[a-z0-9][a-z0-9-]*$/, "slugs use lower-case letters, digits and '-'");

export const releaseVersion = z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, "versions use letters, digits, '.', '_', '+' and '-'");

/** Keys and names that people read: printable text only. */
export const printable = (max: number) =>
  z.string().min(1).max(max).regex(/^[^\u0000-\u001f\u007f]+$/, "control characters are not allowed");

/** Free text (test output) is kept as given, except NUL, which PostgreSQL text cannot hold. */
export const freeText = (max: number) =>
  z.string().max(max).transform((s) => s.replaceAll("\u0000", "\uFFFD"));

export const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "only http and https links are allowed");
