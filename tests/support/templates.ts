// Helpers for the template, import, guarded-path and step tests: people with a signed-in session,
// template requests, and the team's real checklist.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db/client";
import type { RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import type { RoleName } from "@/lib/templates/schema";
import { makeUser } from "./fixtures";
import { api, baseUrl, signIn, type ApiResponse } from "./http";

export type Person = { id: string; email: string; headers: Record<string, string> };

/** A project member signed in through the real flow, with the headers a browser's write sends. */
export async function person(project: string, role: RoleName): Promise<Person> {
  const user = await makeUser(project, role);
  const cookie = await signIn(user.email, user.password);
  return { id: user.id, email: user.email, headers: { cookie, origin: baseUrl() } };
}

export type Caller = { token: string } | { headers: Record<string, string> };

const auth = (who: Caller) => ("token" in who ? { token: who.token } : { headers: who.headers });

// Bodies are read dynamically, as with `api()`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyResponse = ApiResponse<any>;

/** `PUT /templates/{name}` with the given text and Content-Type (YAML by default). */
export function putTemplate(project: string, name: string, body: string, who: Caller, type = "application/yaml"): Promise<AnyResponse> {
  const { token, headers } = auth(who) as { token?: string; headers?: Record<string, string> };
  return api(`/api/v1/projects/${project}/templates/${encodeURIComponent(name)}`, {
    method: "PUT",
    token,
    body,
    headers: { ...headers, "content-type": type },
  });
}

/** `POST /templates/{name}/import` with Markdown; `save` adds `?save=1`. */
export function importMarkdown(
  project: string,
  name: string,
  markdown: string,
  who: Caller,
  options: { save?: boolean; type?: string } = {},
): Promise<AnyResponse> {
  const { token, headers } = auth(who) as { token?: string; headers?: Record<string, string> };
  return api(`/api/v1/projects/${project}/templates/${encodeURIComponent(name)}/import${options.save ? "?save=1" : ""}`, {
    method: "POST",
    token,
    body: markdown,
    headers: { ...headers, "content-type": options.type ?? "text/markdown" },
  });
}

/** The team's own DEPLOYMENT_CHECKLIST.md, byte for byte as the seed keeps it. */
export function realChecklist(): Promise<string> {
  return readFile(path.join(process.cwd(), "prisma/seed/deployment-checklist.md"), "utf8");
}

/** Saved versions of one template, oldest first, straight from the database. */
export async function templateVersions(project: string, name: string) {
  return db().templateVersion.findMany({
    where: { template: { name, project: { slug: project } } },
    orderBy: { version: "asc" },
    select: { version: true, digest: true, source: true },
  });
}

type ItemView = { key: string; title: string; kind: string; requirement: string; instructions: string | null; renderedInstructions: RenderedMarkdown | null };
type SectionView = { title: string; phase: string; items: ItemView[] };

/** Every item of a release as `GET /releases/{version}` shows it, with its section. */
export async function releaseItems(project: string, version: string, token: string) {
  const response = await api(`/api/v1/projects/${project}/releases/${encodeURIComponent(version)}`, { token });
  if (response.status !== 200) throw new Error(`GET release ${version}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  const sections = response.body.sections as SectionView[];
  return {
    release: response.body.release as { version: string; template: string; templateVersion: number },
    items: sections.flatMap((s) => s.items.map((i) => ({ ...i, section: s.title, phase: s.phase }))),
    body: response.body,
  };
}

export type Blocker = { item: string; title: string; reason: string; detail: string };

export async function gate(project: string, version: string, token: string, environment = "staging") {
  const response = await api(`/api/v1/projects/${project}/releases/${encodeURIComponent(version)}/gate?environment=${environment}`, { token });
  if (response.status !== 200) throw new Error(`GET gate: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { open: boolean; blocking: Blocker[] };
}
