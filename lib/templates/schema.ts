// The template model: what a checklist-as-code file may say, validated with zod.
import { z } from "zod";

export const PHASES = ["pre-deploy", "deploy", "post-deploy", "monitoring", "rollback"] as const;
export type Phase = (typeof PHASES)[number];

export const ROLES = ["viewer", "engineer", "release-manager", "admin"] as const;
export type RoleName = (typeof ROLES)[number];

/**
 * Limits a template is held to when saved, so a release made from it (one row per item, each
 * evaluated on every gate read) is created and judged quickly. docs/templates.md states them.
 */
export const MAX_TEMPLATE_ITEMS = 500;
export const MAX_GUARDED_PATHS = 100;

export const METRIC_OPERATORS = [">", ">=", "<", "<=", "=="] as const;
export type MetricOperator = (typeof METRIC_OPERATORS)[number];

/** Where a query item's readings come from: the project's Prometheus (Settings). */
export const METRIC_SOURCES = ["prometheus"] as const;
export const MAX_QUERY_LENGTH = 2_000;

const query = z.string().trim().min(1).max(MAX_QUERY_LENGTH);
const source = z.enum(METRIC_SOURCES);
/** `query` and `source` name one reading: neither makes sense alone. */
const together = (value: { query?: string; source?: string }, ctx: z.RefinementCtx) => {
  if (value.query !== undefined && value.source === undefined) ctx.addIssue({ code: "custom", path: ["source"], message: "a query needs its data source: source: prometheus" });
  if (value.source !== undefined && value.query === undefined) ctx.addIssue({ code: "custom", path: ["query"], message: "a data source needs the PromQL query to run, e.g. query: 'sum(rate(ws_events_total[1m])) * 60'" });
};

const itemKey = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "keys use lower-case letters, digits, '.', '_' and '-'");

const itemBase = {
  key: itemKey,
  title: z.string().min(1).max(300),
  instructions: z.string().max(20_000).optional(),
  required: z.boolean().default(true),
  environments: z.array(z.string().min(1).max(60)).default([]),
  /**
   * Done on this environment after deploying there, and gates the environments after it
   * (e.g. `verifyOn: staging` gates production). Unset: done before deploying, gates its own.
   */
  verifyOn: z.string().min(1).max(60).optional(),
};

const expectation = z.union([
  z.literal("all-pass"),
  z.object({ count: z.number().int().positive() }).strict(),
  z.object({ min: z.number().int().positive() }).strict(),
]);

export const checkItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal("check"),
    patterns: z.array(z.string().min(1).max(500)).min(1),
    expect: expectation.default("all-pass"),
    allowFailures: z.number().int().min(0).default(0),
    flaky: z.enum(["pass", "block"]).default("pass"),
  })
  .strict();

export const metricItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal("metric"),
    metric: z.string().min(1).max(200),
    operator: z.enum(METRIC_OPERATORS),
    threshold: z.number(),
    unit: z.string().max(40).optional(),
    source: source.optional(),
    query: query.optional(),
  })
  .strict()
  .superRefine(together);

export const manualItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal("manual"),
    role: z.enum(ROLES).default("release-manager"),
    approvals: z.number().int().min(1).max(20).default(1),
    evidence: z.enum(["none", "optional", "required"]).default("optional"),
    noSelfApproval: z.boolean().default(false),
    steps: z.array(z.string().min(1).max(300)).default([]),
  })
  .strict();

export const watchItemSchema = z
  .object({
    ...itemBase,
    kind: z.literal("watch"),
    check: z.string().min(1).max(500).optional(),
    metric: z
      .object({ name: z.string().min(1), operator: z.enum(METRIC_OPERATORS), threshold: z.number(), source: source.optional(), query: query.optional() })
      .strict()
      .superRefine(together)
      .optional(),
    alert: z.string().min(1).max(200).optional(),
  })
  .strict();

export const itemSchema = z.discriminatedUnion("kind", [
  checkItemSchema,
  metricItemSchema,
  manualItemSchema,
  watchItemSchema,
]);

export const sectionSchema = z
  .object({
    title: z.string().min(1).max(200),
    phase: z.enum(PHASES),
    items: z.array(itemSchema).default([]),
  })
  .strict();

/** A file that must not change without certain checks having run on that commit. */
export const guardedPathSchema = z
  .object({
    path: z.string().min(1).max(500),
    lines: z
      .object({ from: z.number().int().positive(), to: z.number().int().positive() })
      .strict()
      .refine((l) => l.to >= l.from, "`to` must not be before `from`")
      .optional(),
    note: z.string().max(500).optional(),
    /** Result-key patterns that must have passed when the path changes. */
    checks: z.array(z.string().min(1).max(500)).min(1),
  })
  .strict();

export const templateSchema = z
  .object({
    name: z.string().min(1).max(100),
    description: z.string().max(5_000).optional(),
    sections: z.array(sectionSchema).min(1),
    guardedPaths: z.array(guardedPathSchema).max(MAX_GUARDED_PATHS, `a template holds at most ${MAX_GUARDED_PATHS} guarded paths`).default([]),
    rollback: z.object({ instructions: z.string().max(20_000) }).strict().optional(),
  })
  .strict()
  .superRefine((template, ctx) => {
    const count = template.sections.reduce((n, section) => n + section.items.length, 0);
    if (count > MAX_TEMPLATE_ITEMS) {
      ctx.addIssue({ code: "custom", path: ["sections"], message: `a template holds at most ${MAX_TEMPLATE_ITEMS} items; this one has ${count}: split it into several templates` });
      return;
    }
    const seen = new Set<string>();
    // One metric name is one series of readings: every item naming it runs the same query, or none.
    const queries = new Map<string, string | undefined>();
    template.sections.forEach((section, s) =>
      section.items.forEach((item, i) => {
        if (item.kind === "watch" && item.verifyOn !== undefined) {
          ctx.addIssue({ code: "custom", path: ["sections", s, "items", i, "verifyOn"], message: "a watch item is judged after every deploy; verifyOn is for check, metric and manual items" });
        }
        const metric = item.kind === "metric" ? { name: item.metric, query: item.query, path: ["query"] } : item.kind === "watch" && item.metric ? { name: item.metric.name, query: item.metric.query, path: ["metric", "query"] } : null;
        if (metric) {
          if (queries.has(metric.name) && queries.get(metric.name) !== metric.query) {
            ctx.addIssue({ code: "custom", path: ["sections", s, "items", i, ...metric.path], message: `metric "${metric.name}" is read with another query (or none) by an earlier item: one metric name is one series, give this one its own name` });
          }
          if (!queries.has(metric.name)) queries.set(metric.name, metric.query);
        }
        if (seen.has(item.key)) {
          ctx.addIssue({
            code: "custom",
            path: ["sections", s, "items", i, "key"],
            message: `duplicate item key "${item.key}"`,
          });
        }
        seen.add(item.key);
      }),
    );
  });

export type TemplateDefinition = z.infer<typeof templateSchema>;
export type TemplateItem = z.infer<typeof itemSchema>;
export type CheckItem = z.infer<typeof checkItemSchema>;
export type MetricItem = z.infer<typeof metricItemSchema>;
export type ManualItem = z.infer<typeof manualItemSchema>;
export type WatchItem = z.infer<typeof watchItemSchema>;
export type GuardedPath = z.infer<typeof guardedPathSchema>;
