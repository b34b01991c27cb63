// `shipcheck release create`: a release of a commit, its checklist made from a template.
import { ApiError, apiClientFromEnv, type ApiClient } from "../api-client";
import { commitOf, optional, required, type Command } from "../args";
import { usageError } from "../errors";
import { printJson } from "../output";
import { retryPolicyFromEnv, withRetries } from "../retry";
import { readInput } from "./read-input";

type Created = { version: string; commit: string };
type Existing = { release: { version: string; commitSha: string } };

export const releaseCreate: Command = {
  usage: "shipcheck release create --project <slug> --version <v> --template <name> [--commit <sha>] [--template-version <n>] [--changed-files <file>]",
  help: `
Creates a release: its checklist is made from the template (its latest version, or
--template-version). When the release exists already for the same commit (a re-run pipeline, or
a retry after an answer that was lost), that is success: "exists already", exit 0. For another
commit it is an error (exit 2): a new build of a release is a PATCH of its commit, see docs/ci.md.

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
    const releases = `/api/v1/projects/${encodeURIComponent(project)}/releases`;
    try {
      const { body } = await withRetries(() => client.request<Created>("POST", releases, { type: "application/json", text: JSON.stringify(payload) }), retryPolicyFromEnv(env));
      if (parsed.json) printJson({ ...body, created: true });
      else console.log(`Created release ${body.version} at ${body.commit.slice(0, 12)}`);
      return 0;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      const existing = await sameRelease(client, `${releases}/${encodeURIComponent(version)}`, commit);
      if (!existing) throw error;
      if (parsed.json) printJson({ version: existing.version, commit: existing.commitSha, created: false });
      else console.log(`Release ${existing.version} exists already at ${existing.commitSha.slice(0, 12)}: nothing to do`);
      return 0;
    }
  },
};

/** The release that is there already, when it is of the same commit (a full SHA or its prefix). */
async function sameRelease(client: ApiClient, path: string, commit: string): Promise<Existing["release"] | null> {
  try {
    const { body } = await client.request<Existing>("GET", path);
    return body.release.commitSha.toLowerCase().startsWith(commit.toLowerCase()) ? body.release : null;
  } catch {
    // Unreadable (a token without gate:read): the server's 409 stands.
    return null;
  }
}
