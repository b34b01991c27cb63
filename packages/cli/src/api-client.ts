// The CLI's side of the HTTP API: URL and token from SHIPCHECK_URL and SHIPCHECK_TOKEN.
import { CliError } from "./errors";
import { CLI_VERSION } from "./version";

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

export type ApiResponse<T> = { status: number; body: T; headers: Headers };

export type ApiClient = {
  /** 304 Not Modified comes back with a null body; every status from 400 up throws an ApiError. */
  request<T>(method: string, path: string, body?: { type: string; text: string }, headers?: Record<string, string>): Promise<ApiResponse<T>>;
};

type Env = Record<string, string | undefined>;
type ErrorBody = { error?: { message?: string; details?: { path?: string; message: string; line?: number; column?: number }[] } };

export function apiClientFromEnv(env: Env = process.env): ApiClient {
  const base = env.SHIPCHECK_URL?.replace(/\/+$/, "");
  const token = env.SHIPCHECK_TOKEN;
  if (!base) throw new CliError("SHIPCHECK_URL is not set: the address of Shipcheck, e.g. https://shipcheck.example.com");
  if (!/^https?:\/\//.test(base)) throw new CliError(`SHIPCHECK_URL must start with http:// or https://, got "${base}"`);
  if (!token) throw new CliError("SHIPCHECK_TOKEN is not set: an API token of the project (npx shipcheck token create …)");
  return {
    async request<T>(method: string, path: string, body?: { type: string; text: string }, headers: Record<string, string> = {}) {
      let response: Response;
      let text: string;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...headers,
            authorization: `Bearer ${token}`,
            accept: "application/json",
            "user-agent": `shipcheck-cli/${CLI_VERSION}`,
            ...(body ? { "content-type": body.type } : {}),
          },
          body: body?.text,
          signal: AbortSignal.timeout(60_000),
        });
        // Read inside the try: a server that dies mid-answer is "no answer" too, and retried.
        text = await response.text();
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
        throw new ApiError(`cannot reach Shipcheck at ${base}: ${(error as Error).message}${cause ? ` (${cause})` : ""}`, 0);
      }
      if (response.status === 304) return { status: 304, body: null as T, headers: response.headers };
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        const retryAfter = retryAfterSeconds(response.headers);
        throw new ApiError(`Shipcheck answered HTTP ${response.status} with something that is not JSON`, response.status, retryAfter);
      }
      if (response.status >= 400) {
        const error = (parsed as ErrorBody).error;
        const details = (error?.details ?? []).map((d) => `\n  ${d.line ? `line ${d.line}${d.column ? `:${d.column}` : ""} ` : ""}${d.path ? `${d.path}: ` : ""}${d.message}`).join("");
        throw new ApiError(`HTTP ${response.status}: ${error?.message ?? "request failed"}${details}`, response.status, retryAfterSeconds(response.headers));
      }
      return { status: response.status, body: parsed as T, headers: response.headers };
    },
  };
}

/** Retry-After in seconds, or as an HTTP date. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | null {
  const raw = headers.get("retry-after")?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
