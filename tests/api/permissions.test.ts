// The permission matrix, walked over HTTP: every API route and every server action, for
// anonymous callers, a signed-in outsider, each role, a token of the project and a token of
// another project. Expected outcomes come from tests/support/permission-matrix.ts, which also
// generates docs/permissions.md.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { toDbRole } from "@/lib/auth/roles";
import { hashToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { signOffItem } from "@/lib/server/sign-off-item";
import { loadUserPrincipal } from "@/lib/auth/principal";
import { openEventStream } from "../../scripts/lib/event-stream-client";
import { makeProject, makeUser, type TestPerson } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";
import {
  ACTION_CALLERS,
  ACTIONS,
  ACTIONS_NOT_IN_MATRIX,
  CALLERS,
  expectedActionOutcome,
  expectedStatus,
  MATRIX_TEMPLATE,
  NOT_IN_MATRIX,
  PEOPLE,
  ROUTES,
  type Caller,
  type Person,
  type Setup,
} from "../support/permission-matrix";

type Session = { person: TestPerson; cookie: string };
const sessions = new Map<Person | "outsider", Session>();
let otherToken = "";
let spareEmail = "";
let bystanderId = "";

beforeAll(async () => {
  for (const who of [...PEOPLE, "outsider"] as const) {
    const person = await makeUser(null, null, who);
    sessions.set(who, { person, cookie: await signIn(person.email, person.password) });
  }
  otherToken = (await makeProject()).token;
  spareEmail = (await makeUser(null, null, "spare")).email;
  bystanderId = (await makeUser(null, null, "bystander")).id;
}, 60_000);

/** A fresh project on the matrix template, with each role's person as a member. */
async function fresh(): Promise<Setup & { token: string }> {
  const p = await makeProject({ template: MATRIX_TEMPLATE });
  const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
  await db().membership.createMany({
    data: [...PEOPLE.map((role) => ({ projectId: project.id, userId: sessions.get(role)!.person.id, role: toDbRole(role) })), { projectId: project.id, userId: bystanderId, role: "viewer" as const }],
  });
  // A sign-off by the release manager, for revocation rows.
  const manager = (await loadUserPrincipal(sessions.get("release-manager")!.person.id))!;
  const signOff = await signOffItem({ principal: manager }, p.slug, p.version, "approval", { environment: "staging", comment: undefined });
  const token = await db().apiToken.findUniqueOrThrow({ where: { hash: hashToken(p.token) } });
  return { slug: p.slug, version: p.version, commit: p.commit, token: p.token, tokenId: token.id, signOffId: signOff.id, engineerId: sessions.get("engineer")!.person.id, spareEmail, bystanderId };
}

function credentials(caller: Caller, setup: { token: string }): Record<string, string> {
  if (caller === "anonymous") return {};
  if (caller === "project-token") return { authorization: `Bearer ${setup.token}` };
  if (caller === "other-token") return { authorization: `Bearer ${otherToken}` };
  return { cookie: sessions.get(caller)!.cookie, origin: baseUrl() };
}

describe("API routes", () => {
  for (const row of ROUTES) {
    it(`${row.method} ${row.route}: ${row.what}`, async () => {
      const denied = await fresh();
      const outcomes: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const caller of CALLERS) {
        const want = expectedStatus(row, caller);
        // Allowed callers change state: each gets its own project, so one's write can't refuse the next.
        const setup = want === row.allowed && want < 300 ? await fresh() : denied;
        const request = row.request(setup);
        if (row.stream) {
          const stream = await openEventStream(`${baseUrl()}${request.path}`, credentials(caller, setup));
          stream.close();
          outcomes[caller] = stream.status;
          expected[caller] = want;
          continue;
        }
        const response = await api(request.path, {
          method: row.method,
          json: request.json,
          body: request.body,
          headers: { ...credentials(caller, setup), ...(request.type ? { "content-type": request.type } : {}) },
        });
        outcomes[caller] = response.status;
        expected[caller] = want;
      }
      expect(outcomes).toEqual(expected);
    }, 60_000);
  }

  it("every route file and method is in the matrix (or explained)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) walk(full);
        else if (entry === "route.ts") files.push(full);
      }
    };
    walk("app/api/v1");
    const routes = files.flatMap((file) => {
      const route = `/${path.dirname(path.relative("app/api/v1", file)).replace(/\[([^\]]+)\]/g, "{$1}")}`;
      const methods = [...readFileSync(file, "utf8").matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
      return methods.map((method) => `${method} ${route}`);
    });
    const covered = new Set([...ROUTES.map((r) => `${r.method} ${r.route}`), ...NOT_IN_MATRIX.map((r) => `${r.method} ${r.route}`)]);
    expect(routes.filter((r) => !covered.has(r))).toEqual([]);
  });
});

function actionIds(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(process.env.NEXT_DIST_DIR || ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  return new Map(Object.entries(manifest.node).map(([id, entry]) => [`${entry.filename}#${entry.exportedName}`, id]));
}

/** Calls a server action the way the browser does, and reads its ActionResult from the RSC reply. */
async function callAction(id: string, page: string, args: unknown[], headers: Record<string, string>): Promise<string> {
  const response = await fetch(`${baseUrl()}${page}`, {
    method: "POST",
    headers: { ...headers, "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: baseUrl() },
    body: JSON.stringify(args),
    redirect: "manual",
  });
  const text = await response.text();
  if (/"ok":true/.test(text)) return "ok";
  const code = /"ok":false,"error":\{"code":"(\w+)"/.exec(text)?.[1];
  return code ?? `HTTP ${response.status}: ${text.slice(0, 200)}`;
}

describe("server actions", () => {
  for (const row of ACTIONS) {
    it(`${row.name}: ${row.what}`, async () => {
      const id = actionIds().get(`${row.file}#${row.name}`);
      expect(id, `${row.file}#${row.name} is not in the build's server action manifest`).toBeDefined();
      const denied = await fresh();
      const outcomes: Record<string, string> = {};
      const expected: Record<string, string> = {};
      for (const caller of ACTION_CALLERS) {
        const want = expectedActionOutcome(row, caller);
        const setup = want === "ok" ? await fresh() : denied;
        const headers: Record<string, string> = caller === "anonymous" ? {} : { cookie: sessions.get(caller)!.cookie };
        outcomes[caller] = await callAction(id!, row.page(setup), row.args(setup), headers);
        expected[caller] = want;
      }
      expect(outcomes).toEqual(expected);
    }, 60_000);
  }

  it("every server action of the build is in the matrix", () => {
    const names = [...actionIds().keys()];
    const covered = new Set([...ACTIONS, ...ACTIONS_NOT_IN_MATRIX].map((a) => `${a.file}#${a.name}`));
    expect(names.filter((n) => !covered.has(n)).sort()).toEqual([]);
  });
});

it("docs/permissions.md is generated from this matrix", () => {
  const generated = execFileSync(process.execPath, ["--import", "tsx", "scripts/write-permissions-doc.ts", "--stdout"], { encoding: "utf8" });
  expect(readFileSync("docs/permissions.md", "utf8")).toBe(generated);
});
