// `shipcheck template push`: saves the checklist kept in the repository as a new template version.
import { parse as parseYaml } from "yaml";
import { apiClientFromEnv } from "../api-client";
import { optional, type Command } from "../args";
import { CliError, usageError } from "../errors";
import { printJson } from "../output";
import { retryPolicyFromEnv, withRetries } from "../retry";
import { readInput } from "./read-input";

type Pushed = { template: string; version: number; created: boolean };

export const templatePush: Command = {
  usage: "shipcheck template push --project <slug> <file.yml>",
  help: `
Saves a checklist template (YAML, see docs/templates.md) under its top-level "name". Pushing the
same content again saves nothing: "unchanged". Safe to retry: a PUT of the same file is the same.

Options:
  --project <slug>   the project
  --json             print the server's answer as JSON
Exit: 0 saved or unchanged, 2 on any error (the server's message, with line and column).`,
  options: { project: { type: "string" } },
  positionals: true,
  async run(parsed, env) {
    const project = optional(parsed, "project");
    const file = parsed.positionals[0];
    if (!project || !file) throw usageError("--project and a template file are required", this.usage);
    const source = (await readInput(file)).toString("utf8");
    let name: unknown;
    try {
      name = (parseYaml(source) as { name?: unknown } | null)?.name;
    } catch {
      // The server reports syntax errors with line and column.
    }
    if (typeof name !== "string" || !name) throw new CliError(`${file} has no top-level "name": the template's name`);
    const client = apiClientFromEnv(env);
    const path = `/api/v1/projects/${encodeURIComponent(project)}/templates/${encodeURIComponent(name)}`;
    const { body } = await withRetries(() => client.request<Pushed>("PUT", path, { type: "application/yaml", text: source }), retryPolicyFromEnv(env));
    if (parsed.json) printJson(body);
    else console.log(body.created ? `Template ${body.template}: saved version ${body.version}` : `Template ${body.template}: unchanged (version ${body.version})`);
    return 0;
  },
};
