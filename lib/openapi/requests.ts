// Request bodies that have no zod schema of their own in the app, described for the OpenAPI
// document only. Shipcheck's own contracts (results, metrics, releases, sign-offs, templates,
// Alertmanager) are documented from the schemas the handlers validate with, not from these.
import { z } from "zod";
import { ctrfReportSchema as ctrfParseSchema } from "@/lib/ingest/ctrf";
import { commitSha, environmentName, httpUrl, printable } from "@/lib/validation/common";

/** CTRF (https://ctrf.io): the very schema the parser validates with, described. */
export const ctrfReportSchema = ctrfParseSchema.meta({
  description:
    "A CTRF report (recognised by `results.tool`; `?format=ctrf` to be explicit). Fields not listed are accepted and ignored. Keys are `filePath::suite…::name`; passed after a retry is `flaky`; pending and other are `skipped`.",
});

/** GitHub's event payload: Shipcheck needs the repository to find the project; the rest depends on the event. */
export const githubEventPayloadSchema = z
  .looseObject({
    repository: z.looseObject({ full_name: z.string().meta({ description: '"owner/name", linked to a project in its Settings.' }) }),
    action: z.string().optional(),
    zen: z.string().optional().meta({ description: "`ping` events only." }),
  })
  .meta({ description: "A `workflow_run`, `workflow_job`, `check_run`, `check_suite`, `deployment_protection_rule`, `deployment_status` or `ping` event as GitHub sends it." });

/** The form GitHub posts when the webhook's content type is application/x-www-form-urlencoded. */
export const githubFormPayloadSchema = z.strictObject({
  payload: z.string().meta({ description: "The event's JSON." }),
});

/**
 * Run facts for JUnit XML and CTRF reports, which carry none of Shipcheck's own: passed as query
 * parameters. Shipcheck JSON carries them in its body (`environment`, `commit`, `run`).
 */
export const reportQuerySchemas = {
  environment: environmentName.meta({ description: "The environment the tests ran against; omitted: every environment." }),
  commit: commitSha.meta({ description: "The commit tested; omitted: the release's. A prefix of the release's commit counts as it." }),
  runId: printable(200).meta({ description: "The CI run's id." }),
  runUrl: httpUrl.meta({ description: "Link to the CI run, shown next to the results." }),
  startedAt: z.iso.datetime({ offset: true }).meta({
    description: "When the run started (ISO 8601 with offset). Latest by this time wins; an older run never overwrites a newer one.",
  }),
  baseDir: z.string().max(1000).meta({
    description:
      "The checkout directory the tests ran in (an absolute path, such as `/home/runner/work/app/app` or `D:\\a\\app\\app`). Absolute file paths in the report under it become relative to the repository. Without it, the default checkout roots of GitHub-hosted and GitLab runners are recognised; a key that stays absolute is kept and named in `warnings`.",
  }),
};

/**
 * A sign-off as multipart/form-data: the JSON body's fields as text parts, plus the evidence file.
 * The file's type is judged by its content (PNG, JPEG, PDF, HAR, JSON), not by its part's
 * Content-Type or name.
 */
export const signOffFormSchema = z
  .strictObject({
    environment: environmentName,
    comment: z.string().max(5_000).optional(),
    evidenceUrl: httpUrl.optional(),
    expectedVersion: z.string().regex(/^\d+$/).optional().meta({ description: "The item's `version` as the caller last saw it (decimal)." }),
    file: z
      .string()
      .optional()
      .meta({ contentMediaType: "application/octet-stream", description: "The evidence file: PNG, JPEG, PDF, HAR (with log.entries) or JSON, at most 10 MB." }),
  })
  .meta({ description: "Same fields as the JSON body, plus `file`." });
