// Calls the running app over HTTP, as CI and browsers do.
export const baseUrl = () => {
  const url = process.env.SHIPCHECK_TEST_URL;
  if (!url) throw new Error("SHIPCHECK_TEST_URL is not set: run API tests through `npm test` or `npm run test:api`");
  return url;
};

export type ApiResponse<T = unknown> = { status: number; body: T; headers: Headers };

// Tests read response bodies dynamically; a precise type per endpoint would add nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(
  path: string,
  init: { method?: string; token?: string; json?: unknown; body?: string; headers?: Record<string, string>; base?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${init.base ?? baseUrl()}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body, redirect: "manual" });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: tests that expect JSON will fail on the shape.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Signs in through next-auth's real credentials flow and returns the session cookie header. */
export async function signIn(email: string, password: string, base = baseUrl()): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
    redirect: "manual",
  });
  const session = response.headers.getSetCookie().find((c) => c.includes("next-auth.session-token"));
  if (!session) throw new Error(`sign-in failed for ${email} (HTTP ${response.status})`);
  return session.split(";")[0]!;
}
