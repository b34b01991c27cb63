// Test data made per test through the same use cases the app uses, directly on the test database.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ServerContext } from "@/lib/server/context";
import { createApiToken } from "@/lib/server/create-api-token";
import { createProject } from "@/lib/server/create-project";
import { createRelease } from "@/lib/server/create-release";
import { createUser } from "@/lib/server/create-user";
import { saveTemplate } from "@/lib/server/save-template";
import type { RoleName } from "@/lib/templates/schema";
import type { TokenPermission } from "@/lib/auth/tokens";

const system: ServerContext = { principal: { kind: "system", label: "test-fixture" } };

export const uniqueSuffix = () => randomBytes(4).toString("hex");
export const randomSha = () => randomBytes(20).toString("hex");

export type TestPerson = { email: string; password: string; id: string };

export async function makeUser(project: string | null, role: RoleName | null, label = role ?? "user"): Promise<TestPerson> {
  const email = `${label}-${uniqueSuffix()}@test.example`;
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const { user } = await createUser(system, {
    email,
    password,
    name: `${label} ${email.slice(0, 6)}`,
    memberships: project && role ? [{ project, role }] : [],
  });
  return { email, password, id: user.id };
}

export async function makeToken(project: string, permissions?: TokenPermission[]) {
  const created = await createApiToken(system, { project, name: `ci-${uniqueSuffix()}`, permissions });
  return created.token;
}

/** A project like the demo: staging then production, the demo template, release v1.0.0. */
export async function makeProject(options: { template?: string } = {}) {
  const slug = `p-${uniqueSuffix()}`;
  await createProject(system, { slug, name: `Project ${slug}`, environments: ["staging", "production"] });
  const source = options.template ?? (await readFile(path.join(process.cwd(), "prisma/seed/demo-template.yml"), "utf8"));
  const template = await saveTemplate(system, slug, source);
  const commit = randomSha();
  const version = "v1.0.0";
  await createRelease(system, slug, { version, commit, template: template.template });
  const token = await makeToken(slug);
  return { slug, version, commit, token, template: template.template };
}
