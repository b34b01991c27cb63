// What an answer of Prometheus's instant-query API (GET /api/v1/query) says, as one reading: a
// finite value, or why there is none. Pure: the gate sees only the outcome, and a doubtful answer
// (no sample, several, NaN, an error) is never a value.
import { z } from "zod";

export type Reading = { value: number; error: null } | { value: null; error: string };

/** A sample's value: Prometheus sends numbers as strings ("1.5", "NaN", "+Inf"). */
const sampleValue = z.tuple([z.number(), z.string()]);

const success = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })) }),
    z.object({ resultType: z.literal("scalar"), result: sampleValue }),
    z.object({ resultType: z.literal("matrix"), result: z.array(z.unknown()) }),
    z.object({ resultType: z.literal("string"), result: z.unknown() }),
  ]),
});

const failure = z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() });

const noValue = (error: string): Reading => ({ value: null, error });

/** Longest reason stored: Prometheus's parse errors can quote the whole query. */
const MAX_REASON = 300;
const clip = (text: string) => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);

function finite(raw: string): Reading {
  // Number("") is 0 and Number(" 1") is 1: only what Prometheus actually writes is read.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return noValue(`the value is ${clip(raw)}, not a finite number`);
  const value = Number(raw);
  return Number.isFinite(value) ? { value, error: null } : noValue(`the value is ${raw}, not a finite number`);
}

const seriesName = (labels: Record<string, string>) => {
  const name = labels.__name__ ?? "";
  const rest = Object.entries(labels).filter(([k]) => k !== "__name__").map(([k, v]) => `${k}="${v}"`);
  return `${name}{${rest.join(",")}}`;
};

/** Reads the parsed JSON body of an answer (any HTTP status: Prometheus explains errors in JSON). */
export function readAnswer(body: unknown): Reading {
  const failed = failure.safeParse(body);
  if (failed.success) return noValue(clip(`Prometheus refused the query: ${[failed.data.errorType, failed.data.error].filter(Boolean).join(": ") || "no reason given"}`));
  const answer = success.safeParse(body);
  if (!answer.success) return noValue("the answer is not Prometheus's query API JSON");
  const { data } = answer.data;
  switch (data.resultType) {
    case "scalar":
      return finite(data.result[1]);
    case "vector": {
      if (data.result.length === 0) return noValue("the query returned no sample");
      if (data.result.length > 1) {
        const shown = data.result.slice(0, 3).map((s) => seriesName(s.metric)).join(", ");
        return noValue(clip(`the query returned ${data.result.length} series, expected one (aggregate it, e.g. sum(…)): ${shown}${data.result.length > 3 ? ", …" : ""}`));
      }
      return finite(data.result[0]!.value[1]);
    }
    default:
      return noValue(`the query returned a ${data.resultType}, expected one sample (an instant vector or a scalar)`);
  }
}
