// The CLI's side of the HTTP API: URL and token from SHIPCHECK_URL and SHIPCHECK_TOKEN.
import { CliError } from "./output";

export type ApiClient = { request<T>(method: string, path: string, body?: { type: string; text: string }): Promise<{ status: number; body: T }> };

export function apiClientFromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
  const base = env.SHIPCHECK_URL?.replace(/\/+$/, "");
  const token = env.SHIPCHECK_TOKEN;
  if (!base) throw new CliError("SHIPCHECK_URL is not set: the address of Shipcheck, e.g. https://shipcheck.example.com");
  if (!/^https?:\/\//.test(base)) throw new CliError(`SHIPCHECK_URL must start with http:// or https://, got "${base}"`);
  if (!token) throw new CliError("SHIPCHECK_TOKEN is not set: an API token of the project (npx shipcheck token create …)");
  return {
    async request<T>(method: string, path: string, body?: { type: string; text: string }) {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body ? { "content-type": body.type } : {}) },
          body: body?.text,
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        throw new CliError(`cannot reach Shipcheck at ${base}: ${(error as Error).message}`);
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new CliError(`Shipcheck answered HTTP ${response.status} with something that is not JSON`);
      }
      if (response.status >= 400) {
        const error = (parsed as { error?: { message?: string; details?: { path?: string; message: string; line?: number; column?: number }[] } }).error;
        const details = (error?.details ?? []).map((d) => `\n  ${d.line ? `line ${d.line}${d.column ? `:${d.column}` : ""} ` : ""}${d.path ? `${d.path}: ` : ""}${d.message}`).join("");
        throw new CliError(`HTTP ${response.status}: ${error?.message ?? "request failed"}${details}`);
      }
      return { status: response.status, body: parsed as T };
    },
  };
}
