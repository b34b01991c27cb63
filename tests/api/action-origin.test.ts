// Server actions refuse a POST without an Origin header (or with another site's), as the API
// routes do, before any work is done.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeUser } from "../support/fixtures";
import { baseUrl, signIn } from "../support/http";

function actionId(file: string, name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(process.env.NEXT_DIST_DIR || ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === file && entry.exportedName === name);
  if (!found) throw new Error(`${file}#${name} is not in the build's server action manifest`);
  return found[0];
}

async function lock(slug: string, cookie: string, origin: string | null): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { cookie, "next-action": actionId("app/projects/[project]/actions.ts", "lockProjectAction"), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
  if (origin !== null) headers.origin = origin;
  const response = await fetch(`${baseUrl()}/projects/${slug}`, { method: "POST", headers, body: JSON.stringify([slug, { reason: "incident 4711" }]), redirect: "manual" });
  return { status: response.status, text: await response.text() };
}

const lockedAt = async (slug: string) => (await db().project.findUniqueOrThrow({ where: { slug } })).lockedAt;

describe("server action Origin", () => {
  it("a POST with no Origin, or another site's, is refused and changes nothing; the same call from our Origin works", async () => {
    const p = await makeProject();
    const admin = await makeUser(p.slug, "admin");
    const cookie = await signIn(admin.email, admin.password);

    const missing = await lock(p.slug, cookie, null);
    expect(missing.text).toMatch(/"ok":false,"error":\{"code":"forbidden"/);
    expect(missing.text).toContain("Origin");
    expect(await lockedAt(p.slug)).toBeNull();

    const foreign = await lock(p.slug, cookie, "https://evil.example");
    expect(foreign.text).not.toMatch(/"ok":true/);
    expect(await lockedAt(p.slug)).toBeNull();

    const own = await lock(p.slug, cookie, baseUrl());
    expect(own.text).toMatch(/"ok":true/);
    expect(await lockedAt(p.slug)).not.toBeNull();
  });
});
