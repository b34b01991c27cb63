// A local stand-in for api.github.com: it hands out installation tokens for Apps it knows (the
// JWT checked with the App's public key), takes commit statuses and protection rule reviews, and
// checks every request against GitHub's OpenAPI description (github-contract.ts). Shipcheck's
// instances reach it through SHIPCHECK_GITHUB_API_URL (TEST_PORT + 20, see scripts/lib/app-under-test.ts).
import { createPublicKey, randomBytes, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { checkGithubRequest } from "./github-contract";

export type GithubRequest = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  operationId: string | null;
  problems: string[];
  status: number;
};

export type JwtClaims = { iss: string | number; iat: number; exp: number };

/** The port of SHIPCHECK_GITHUB_API_URL, which the suite's apps were given. */
export const githubApiPort = () => Number(new URL(process.env.SHIPCHECK_GITHUB_API_URL ?? `http://127.0.0.1:${Number(process.env.TEST_PORT ?? 3100) + 20}`).port);

const b64url = (text: string) => Buffer.from(text, "base64url");

export class GithubApiStandIn {
  readonly requests: GithubRequest[] = [];
  /** Installation tokens handed out: token -> installation id. */
  readonly tokens = new Map<string, string>();
  readonly jwts: JwtClaims[] = [];
  private apps = new Map<string, KeyObject>();
  private failures: { prefix: string; status: number }[] = [];
  private server: Server | null = null;

  get url(): string {
    return `http://127.0.0.1:${githubApiPort()}`;
  }

  /** An App whose JWTs are verified with this public key (PEM). */
  addApp(appId: string, publicKeyPem: string): void {
    this.apps.set(appId, createPublicKey(publicKeyPem));
  }

  /** The next calls to paths starting with `prefix` get these statuses, one each (then 201/204). */
  failNext(prefix: string, ...statuses: number[]): void {
    this.failures.push(...statuses.map((status) => ({ prefix, status })));
  }

  /** Requests to one operation, e.g. "repos/create-commit-status". */
  calls(operationId: string): GithubRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const url = new URL(request.url ?? "/", this.url);
        const check = checkGithubRequest(request.method ?? "GET", url.pathname, request.headers["content-type"], raw);
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : null;
        } catch {
          // Kept as text; the contract check said so.
        }
        const answer = this.answer(check.operationId, request.headers, url.pathname);
        this.requests.push({ method: request.method ?? "", path: url.pathname, headers: request.headers, body, ...check, status: answer.status });
        response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(githubApiPort(), "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  private answer(operationId: string | null, headers: IncomingHttpHeaders, path: string): { status: number; body?: unknown } {
    const bearer = /^(?:bearer|token) (.+)$/i.exec(headers.authorization ?? "")?.[1] ?? null;
    if (operationId === "apps/create-installation-access-token") {
      const claims = bearer ? this.verifyJwt(bearer) : null;
      if (!claims) return { status: 401, body: { message: "A JSON web token could not be decoded", documentation_url: "https://docs.github.com/rest" } };
      this.jwts.push(claims);
      const installation = /\/app\/installations\/(\d+)\//.exec(path)![1]!;
      const token = `ghs_${randomBytes(18).toString("hex")}`;
      this.tokens.set(token, installation);
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { statuses: "write", deployments: "write" }, repository_selection: "selected" } };
    }
    if (!bearer || !this.tokens.has(bearer)) return { status: 401, body: { message: "Bad credentials" } };
    const failure = this.failures.findIndex((f) => path.startsWith(f.prefix));
    if (failure >= 0) {
      const { status } = this.failures.splice(failure, 1)[0]!;
      return { status, body: { message: `stand-in says ${status}` } };
    }
    if (operationId === "actions/review-custom-gates-for-run") return { status: 204 };
    return { status: 201, body: { id: this.requests.length + 1 } };
  }

  /** RS256 JWT of an App it knows, issued now, not expired: GitHub's checks of an App's JWT. */
  private verifyJwt(jwt: string): JwtClaims | null {
    const [header, payload, signature] = jwt.split(".");
    if (!header || !payload || !signature) return null;
    const head = JSON.parse(b64url(header).toString("utf8")) as { alg?: string };
    const claims = JSON.parse(b64url(payload).toString("utf8")) as JwtClaims;
    const key = this.apps.get(String(claims.iss));
    if (head.alg !== "RS256" || !key) return null;
    if (!verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), key, b64url(signature))) return null;
    const now = Math.floor(Date.now() / 1000);
    // GitHub refuses a JWT issued in the future or valid for more than 10 minutes.
    if (claims.iat > now + 60 || claims.exp <= now || claims.exp - claims.iat > 660) return null;
    return claims;
  }
}
