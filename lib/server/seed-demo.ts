// First-run data: the demo project, its template, release v0.1.0 and the first administrator.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db/client";
import type { ServerContext } from "./context";
import { createProject } from "./create-project";
import { createRelease } from "./create-release";
import { createUser } from "./create-user";
import { importTemplate } from "./import-template";
import { saveTemplate } from "./save-template";

const system: ServerContext = { principal: { kind: "system", label: "seed" } };
export const DEMO_COMMIT = "3f9c2a1d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a";
export const DEMO_CHECKLIST_COMMIT = "9b1e4c7a2d5f8e0b3c6a9d2f5e8b1c4a7d0e3f6b";
export const INITIAL_ADMIN_EMAIL = "admin@shipcheck.local";

export type SeedOutcome = { admin: { email: string; password: string } | null; demoCreated: boolean };

export async function seedDemo(root = process.cwd()): Promise<SeedOutcome> {
  let admin: SeedOutcome["admin"] = null;
  if ((await db().user.count()) === 0) {
    const created = await createUser(system, { email: INITIAL_ADMIN_EMAIL, name: "Administrator", isAdmin: true });
    admin = { email: created.user.email, password: created.password! };
  }
  if (await db().project.findUnique({ where: { slug: "demo" } })) return { admin, demoCreated: false };
  await createProject(system, { slug: "demo", name: "Demo service", environments: ["staging", "production"] });
  const source = await readFile(path.join(root, "prisma/seed/demo-template.yml"), "utf8");
  const template = await saveTemplate(system, "demo", source);
  await createRelease(system, "demo", { version: "v0.1.0", commit: DEMO_COMMIT, template: template.template });

  // The team's own checklist, imported from its Markdown, with a release that touches a guarded file.
  const markdown = await readFile(path.join(root, "prisma/seed/deployment-checklist.md"), "utf8");
  const imported = await importTemplate(system, "demo", "deployment-checklist", markdown, { save: true });
  await createRelease(system, "demo", {
    version: "v1.8.0",
    commit: DEMO_CHECKLIST_COMMIT,
    template: imported.template.name,
    changedFiles: ["netra_backend/app/agents/supervisor/agent_registry.py", "frontend/src/chat/ChatView.tsx"],
  });
  return { admin, demoCreated: true };
}
