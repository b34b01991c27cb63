// Commands CI runs against the API: push a template, create a release, ask the gate.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import type { GateReport } from "@/lib/server/get-gate";
import { apiClientFromEnv } from "./api-client";
import { CliError, printBlocker, usageError } from "./output";
import { retryPolicyFromEnv, withRetries } from "./retry";

const enc = encodeURIComponent;

const PUSH_USAGE = "shipcheck template push --project <slug> <file.yml>";
const RELEASE_USAGE = "shipcheck release create --project <slug> --version <v> --commit <sha> --template <name> [--template-version <n>] [--changed-files <file>]";
const GATE_USAGE = "shipcheck gate --project <slug> --release <version> --environment <env>";

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export async function templatePush(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { project: { type: "string" } } });
  const file = positionals[0];
  if (!values.project || !file) throw usageError("--project and a template file are required", PUSH_USAGE);
  const source = await readInput(file);
  let name: unknown;
  try {
    name = (parseYaml(source) as { name?: unknown } | null)?.name;
  } catch {
    // The server reports syntax errors with line and column.
  }
  if (typeof name !== "string" || !name) throw new CliError(`${file} has no top-level "name": the template's name`);
  const client = apiClientFromEnv();
  const { body } = await client.request<{ template: string; version: number; created: boolean }>(
    "PUT",
    `/api/v1/projects/${enc(values.project)}/templates/${enc(name)}`,
    { type: "application/yaml", text: source },
  );
  console.log(body.created ? `Template ${body.template}: saved version ${body.version}` : `Template ${body.template}: unchanged (version ${body.version})`);
  return 0;
}

export async function releaseCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { project: { type: "string" }, version: { type: "string" }, commit: { type: "string" }, template: { type: "string" }, "template-version": { type: "string" }, "changed-files": { type: "string" } },
  });
  if (!values.project || !values.version || !values.commit || !values.template) throw usageError("--project, --version, --commit and --template are required", RELEASE_USAGE);
  const changedFiles = values["changed-files"] ? (await readInput(values["changed-files"])).split("\n").map((l) => l.trim()).filter(Boolean) : [];
  const payload = {
    version: values.version,
    commit: values.commit,
    template: values.template,
    ...(values["template-version"] ? { templateVersion: Number(values["template-version"]) } : {}),
    changedFiles,
  };
  const client = apiClientFromEnv();
  const { body } = await client.request<{ version: string; commit: string }>("POST", `/api/v1/projects/${enc(values.project)}/releases`, { type: "application/json", text: JSON.stringify(payload) });
  console.log(`Created release ${body.version} at ${body.commit.slice(0, 12)}`);
  return 0;
}

/** Exit 0 when the gate is open (or overridden), 1 when closed with the reasons, 2 on any error. */
export async function gate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { project: { type: "string" }, release: { type: "string" }, environment: { type: "string" } } });
  if (!values.project || !values.release || !values.environment) throw usageError("--project, --release and --environment are required", GATE_USAGE);
  const client = apiClientFromEnv();
  const path = `/api/v1/projects/${enc(values.project)}/releases/${enc(values.release)}/gate?environment=${enc(values.environment)}`;
  const { body } = await withRetries(() => client.request<GateReport>("GET", path), retryPolicyFromEnv());
  if (body.open) {
    console.log(body.overridden ? `Gate for ${body.release} → ${body.environment}: OVERRIDDEN (open by an administrator's decision)` : `Gate for ${body.release} → ${body.environment}: open`);
    return 0;
  }
  console.log(`Gate for ${body.release} → ${body.environment}: closed (${body.blocking.length} blocking)`);
  for (const b of body.blocking) printBlocker(b);
  return 1;
}
