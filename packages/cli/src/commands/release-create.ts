// `shipcheck release create`: a release of a commit, its checklist made from a template.
import { apiClientFromEnv } from "../api-client";
import { commitOf, optional, required, type Command } from "../args";
import { usageError } from "../errors";
import { printJson } from "../output";
import { readInput } from "./read-input";

type Created = { version: string; commit: string };

export const releaseCreate: Command = {
  usage: "shipcheck release create --project <slug> --version <v> --template <name> [--commit <sha>] [--template-version <n>] [--changed-files <file>]",
  help: `
Creates a release: its checklist is made from the template (its latest version, or
--template-version). Not retried: a release is created once (a second try would be refused as a
duplicate version).

Options:
  --project <slug>          the project
  --version <v>             the release's version, e.g. v1.8.0
  --commit <sha>            the commit released; default GITHUB_SHA (GitHub Actions) or CI_COMMIT_SHA (GitLab CI)
  --template <name>         the template to make its checklist from
  --template-version <n>    a given version of the template instead of its latest
  --changed-files <file>    a file listing the changed paths, one a line (items may apply only to some paths)
  --json                    print the server's answer as JSON
Exit: 0 created, 2 on any error.`,
  options: {
    project: { type: "string" },
    version: { type: "string" },
    commit: { type: "string" },
    template: { type: "string" },
    "template-version": { type: "string" },
    "changed-files": { type: "string" },
  },
  async run(parsed, env) {
    const { project, version, template } = required(parsed, ["project", "version", "template"], this);
    const commit = commitOf(optional(parsed, "commit"), env);
    if (!commit) throw usageError("--commit is required outside GitHub Actions and GitLab CI (GITHUB_SHA, CI_COMMIT_SHA are not set)", this.usage);
    const templateVersion = optional(parsed, "template-version");
    const listFile = optional(parsed, "changed-files");
    const changedFiles = listFile ? (await readInput(listFile)).toString("utf8").split("\n").map((l) => l.trim()).filter(Boolean) : [];
    const payload = { version, commit, template, ...(templateVersion ? { templateVersion: Number(templateVersion) } : {}), changedFiles };
    const client = apiClientFromEnv(env);
    const { body } = await client.request<Created>("POST", `/api/v1/projects/${encodeURIComponent(project)}/releases`, { type: "application/json", text: JSON.stringify(payload) });
    if (parsed.json) printJson(body);
    else console.log(`Created release ${body.version} at ${body.commit.slice(0, 12)}`);
    return 0;
  },
};
