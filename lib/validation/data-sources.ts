// A project's Prometheus, which metric and watch items with a `query` read from.
import { z } from "zod";

const baseUrl = z
  .string()
  .trim()
  .max(2000, "a Prometheus URL is at most 2,000 characters")
  .url("must be Prometheus's base URL, such as http://prometheus.internal:9090")
  .refine((u) => /^https?:\/\//i.test(u), "only http and https URLs")
  .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), "put no user name or password in the URL: give a bearer token instead")
  .refine((u) => !/[?#]/.test(u), "give the base URL only, without a query or fragment: Shipcheck adds /api/v1/query");

const bearerToken = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[\x21-\x7e]+$/, "a bearer token is printable ASCII without spaces");

export const prometheusSourceSchema = z
  .object({
    /** null: no Prometheus (the token goes with it). */
    url: baseUrl.nullable(),
    /** Left out: keep the one set; null: none. */
    bearerToken: bearerToken.nullable().optional(),
  })
  .strict();

export type PrometheusSourceInput = z.input<typeof prometheusSourceSchema>;
