// Alertmanager's webhook payload (version 4), validated; alerts feed `watch` items by alert name.
import { z } from "zod";

const labels = z.record(z.string().max(200), z.string().max(2000));

export const alertmanagerPayloadSchema = z.object({
  version: z.string().max(10).optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string().max(200).optional(),
  groupLabels: labels.optional(),
  commonLabels: labels.optional(),
  externalURL: z.string().max(2000).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: labels.refine((l) => typeof l.alertname === "string" && l.alertname.length > 0, "every alert needs an alertname label"),
        annotations: labels.default({}),
        startsAt: z.string().max(40).optional(),
        endsAt: z.string().max(40).optional(),
        generatorURL: z.string().max(2000).optional(),
        fingerprint: z.string().max(100).optional(),
      }),
    )
    .min(1, "the payload has no alerts")
    .max(1000),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** A real instant, or null: Alertmanager sends 0001-01-01T00:00:00Z for "not ended". */
export function alertTime(value: string | undefined): Date | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1971 ? null : at;
}

/** The environment an alert is about: its `environment` or `env` label, else the request's. */
export function alertEnvironment(alertLabels: Record<string, string>, fallback: string | null): string | null {
  return alertLabels.environment ?? alertLabels.env ?? fallback;
}
