// A local HTTP stand-in for GitLab's Deployments API. Every request Shipcheck sends is checked
// against GitLab's documentation (tests/support/gitlab-api.ts): method, path, PRIVATE-TOKEN, the
// JSON body. Anything else is recorded as a problem (and answered as GitLab would: 401, 404, 400),
// so a test asserts both what was approved and that nothing undocumented was sent.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { APPROVAL_PATH, approvalRequestSchema, approvalResponse } from "./gitlab-api";

export type ApprovalCall = { gitlabProjectId: string; deploymentId: number; status: "approved" | "rejected"; comment: string | undefined; headers: IncomingHttpHeaders };

export class GitlabStandIn {
  readonly approvals: ApprovalCall[] = [];
  readonly problems: string[] = [];
  /** Status codes to answer the next approval calls with, one each (then 201). */
  private answers: number[] = [];
  private tokens = new Map<string, string>();
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The access token GitLab expects for a project. */
  expectToken(gitlabProjectId: number, token: string): void {
    this.tokens.set(String(gitlabProjectId), token);
  }

  answerWith(...statuses: number[]): void {
    this.answers.push(...statuses);
  }

  approvalsFor(gitlabProjectId: number): ApprovalCall[] {
    return this.approvals.filter((a) => a.gitlabProjectId === String(gitlabProjectId));
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const reply = (status: number, body: unknown) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        const where = `${request.method} ${request.url}`;
        const match = APPROVAL_PATH.exec(request.url ?? "");
        if (request.method !== "POST" || !match) {
          this.problems.push(`${where}: not an endpoint Shipcheck may call`);
          return reply(404, { message: "404 Not Found" });
        }
        const [, projectId, deploymentId] = match as unknown as [string, string, string];
        const expected = this.tokens.get(decodeURIComponent(projectId));
        if (!expected || request.headers["private-token"] !== expected) {
          this.problems.push(`${where}: PRIVATE-TOKEN missing or wrong`);
          return reply(401, { message: "401 Unauthorized" });
        }
        if (!/^application\/json\b/.test(request.headers["content-type"] ?? "")) {
          this.problems.push(`${where}: Content-Type ${request.headers["content-type"]} (the body is sent as JSON)`);
          return reply(415, { message: "415 Unsupported Media Type" });
        }
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          this.problems.push(`${where}: body is not JSON`);
          return reply(400, { message: "400 Bad request" });
        }
        const parsed = approvalRequestSchema.safeParse(body);
        if (!parsed.success) {
          this.problems.push(`${where}: body ${JSON.stringify(body)} is not documented: ${parsed.error.message}`);
          return reply(400, { error: "status is missing" });
        }
        const status = this.answers.shift() ?? 201;
        this.approvals.push({ gitlabProjectId: decodeURIComponent(projectId), deploymentId: Number(deploymentId), status: parsed.data.status, comment: parsed.data.comment, headers: request.headers });
        if (status !== 201) return reply(status, { message: `${status}` });
        reply(201, approvalResponse(parsed.data.status, parsed.data.comment));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
