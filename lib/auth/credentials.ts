// Checks an email and password for the credentials provider.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { hashPassword, verifyPassword } from "./password";

const credentialsSchema = z.object({ email: z.string().trim().toLowerCase().email().max(320), password: z.string().min(1).max(1024) });

export type SignedInUser = { id: string; email: string; name: string | null; sessionVersion: number };

let dummyHash: Promise<string> | null = null;

/** An argon2id hash of a random password, with the same parameters as real ones, made once. */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${crypto.randomUUID()}`);
  return dummyHash;
}

/**
 * The user for these credentials, or null. An unknown email (or a disabled account) still costs
 * one argon2id verification, against a dummy hash, so the answer takes as long either way and
 * does not tell whether the account exists.
 */
export async function checkCredentials(raw: unknown): Promise<SignedInUser | null> {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const user = await db().user.findUnique({ where: { email: parsed.data.email } });
  const usable = user && !user.disabledAt ? user : null;
  const matches = await verifyPassword(usable?.passwordHash ?? (await dummyPasswordHash()), parsed.data.password);
  if (!usable || !matches) return null;
  return { id: usable.id, email: usable.email, name: usable.name, sessionVersion: usable.sessionVersion };
}
