// The Shipcheck JSON contract for results and metrics posted by CI.
import { z } from "zod";
import { commitSha, environmentName, freeText, httpUrl, printable } from "./common";

export const MAX_RESULTS_PER_REQUEST = 20_000;

/** A report past the per-request limit: 413, naming the limit and what to do. */
export const tooManyResults = (count: number | null) =>
  `a report holds at most ${MAX_RESULTS_PER_REQUEST.toLocaleString("en")} results; this one has ${count === null ? "more" : count.toLocaleString("en")}: split it into smaller reports (by test job or shard) and post each with the same run`;

export const resultStatus = z.enum(["passed", "failed", "skipped", "flaky"]);

export const resultsPayloadSchema = z
  .object({
    environment: environmentName.optional(),
    commit: commitSha.optional(),
    run: z
      .object({
        id: printable(200).optional(),
        url: httpUrl.optional(),
        startedAt: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .optional(),
    results: z
      .array(
        z
          .object({
            key: printable(1000),
            status: resultStatus,
            durationMs: z.number().int().min(0).max(7 * 24 * 3600 * 1000).nullable().optional(),
            message: freeText(65_536).nullable().optional(),
            /** Another dimension of the same test, such as the browser (Playwright project); not part of the key. */
            variant: printable(200).nullable().optional(),
          })
          .strict(),
      )
      .min(1, "send at least one result")
      .max(MAX_RESULTS_PER_REQUEST, `send at most ${MAX_RESULTS_PER_REQUEST} results per request`),
  })
  .strict();

export type ResultsPayload = z.infer<typeof resultsPayloadSchema>;

export const metricsPayloadSchema = z
  .object({
    environment: environmentName.optional(),
    commit: commitSha.optional(),
    metrics: z
      .array(
        z
          .object({
            name: printable(200),
            value: z.number(),
            unit: printable(40).optional(),
          })
          .strict(),
      )
      .min(1, "send at least one metric")
      .max(1000),
  })
  .strict();

export type MetricsPayload = z.infer<typeof metricsPayloadSchema>;
