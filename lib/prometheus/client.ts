// Asks a project's Prometheus one instant query (GET /api/v1/query) with a timeout and a limit on
// the answer's size. Never throws: every failure is a reading without a value that says why. The
// bearer token goes in the Authorization header only; no reason quotes a header.
import { readAnswer, type Reading } from "./answer";

export type PrometheusSource = { url: string; bearerToken: string | null };

/** Answers larger than this are not read: one sample's JSON is a few hundred bytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export const queryTimeoutMs = () => {
  const configured = Number(process.env.SHIPCHECK_PROMETHEUS_TIMEOUT_MS);
  return Number.isFinite(configured) && configured > 0 ? configured : 5_000;
};

export function queryUrl(base: string, query: string, timeoutMs: number): string {
  const url = new URL(`${base.replace(/\/+$/, "")}/api/v1/query`);
  url.searchParams.set("query", query);
  // Prometheus stops evaluating by then too, instead of working on for an answer nobody waits for.
  url.searchParams.set("timeout", `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
  return url.toString();
}

async function readLimited(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function runQuery(source: PrometheusSource, query: string, timeoutMs = queryTimeoutMs()): Promise<Reading> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (source.bearerToken) headers.authorization = `Bearer ${source.bearerToken}`;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    // No redirects: the token is for this address only.
    response = await fetch(queryUrl(source.url, query, timeoutMs), { headers, signal, redirect: "manual", cache: "no-store" });
  } catch (error) {
    if (signal.aborted) return { value: null, error: `Prometheus did not answer within ${timeoutMs / 1000} s` };
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { value: null, error: `Prometheus cannot be reached${cause ? ` (${cause})` : ""}` };
  }
  let text: string | null;
  try {
    text = await readLimited(response, MAX_ANSWER_BYTES);
  } catch {
    return { value: null, error: signal.aborted ? `Prometheus did not answer within ${timeoutMs / 1000} s` : "the answer from Prometheus broke off" };
  }
  if (text === null) return { value: null, error: `the answer from Prometheus is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB` };
  if (response.status === 401 || response.status === 403) return { value: null, error: `Prometheus refused the credentials (HTTP ${response.status})` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { value: null, error: `the answer from Prometheus is not JSON (HTTP ${response.status})` };
  }
  const reading = readAnswer(body);
  // A 2xx that is not a success, or a success under an error status, is doubtful either way.
  if (reading.value !== null && !response.ok) return { value: null, error: `Prometheus answered HTTP ${response.status}` };
  return reading;
}
