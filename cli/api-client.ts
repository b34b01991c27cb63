// The CLI's side of the HTTP API: URL and token from SHIPCHECK_URL and SHIPCHECK_TOKEN.
import { CliError } from "./output";

/** The server's refusal (or silence: status 0 when it could not be reached). */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    /** Seconds from a Retry-After header, when the server sent one. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export type ApiClient = {
  request<T>(
    method: string,
    path: string,
    body?: { type: string; text: string },
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
};

export function apiClientFromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
  const base = env.SHIPCHECK_URL?.replace(/\/+$/, "");
  const token = env.SHIPCHECK_TOKEN;
  if (!base) throw new CliError("SHIPCHECK_URL is not set: the address of Shipcheck, e.g. https://shipcheck.example.com");
  if (!/^https?:\/\//.test(base)) throw new CliError(`SHIPCHECK_URL must start with http:// or https://, got "${base}"`);
  if (!token) throw new CliError("SHIPCHECK_TOKEN is not set: an API token of the project (npx shipcheck token create …)");
  return {
    async request<T>(method: string, path: string, body?: { type: string; text: string }, headers: Record<string, string> = {}) {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: { ...headers, authorization: `Bearer ${token}`, accept: "application/json", ...(body ? { "content-type": body.type } : {}) },
          body: body?.text,
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        throw new ApiError(`cannot reach Shipcheck at ${base}: ${(error as Error).message}`, 0);
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ApiError(`Shipcheck answered HTTP ${response.status} with something that is not JSON`, response.status);
      }
      if (response.status >= 400) {
        const error = (parsed as { error?: { message?: string; details?: { path?: string; message: string; line?: number; column?: number }[] } }).error;
        const details = (error?.details ?? []).map((d) => `\n  ${d.line ? `line ${d.line}${d.column ? `:${d.column}` : ""} ` : ""}${d.path ? `${d.path}: ` : ""}${d.message}`).join("");
        const retryAfter = Number(response.headers.get("retry-after"));
        throw new ApiError(`HTTP ${response.status}: ${error?.message ?? "request failed"}${details}`, response.status, retryAfter > 0 ? retryAfter : null);
      }
      return { status: response.status, body: parsed as T, headers: response.headers };
    },
  };
}
