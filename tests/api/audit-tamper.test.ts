// Someone with write access to the database, the triggers switched off as a superuser can, against
// the signed checkpoints: a forged event inserted with correct hashes, a rewritten chain re-hashed,
// a dropped tail. The audit endpoint reports each as broken, naming the checkpoint; the real
// `shipcheck verify --key` catches the same in an exported pack, and edits to its other sections.
import { execFile } from "node:child_process";
import { createPublicKey, generateKeyPairSync, verify as verifySignature } from "node:crypto";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { eventHash, type ChainedEvent } from "@/lib/audit/chain";
import { signCheckpoint } from "@/lib/audit/checkpoint";
import { auditTrailSchema, chainTrailSchema, signingKeySchema, type AuditEventRecord, type AuditTrail, type ChainTrail, type EvidencePack } from "@/lib/audit/pack";
import { signPack } from "@/lib/audit/pack-signature";
import { keyIdOf, publicKeyPem } from "@/lib/audit/signing";
import { db } from "@/lib/db/client";
import { releaseRow } from "../support/db-state";
import { makeProject, makeToken, makeUser, uniqueSuffix } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";

type Project = Awaited<ReturnType<typeof makeProject>>;
type Run = { code: number; stdout: string; stderr: string };

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;

async function trail(p: Project): Promise<AuditTrail> {
  const response = await api<AuditTrail>(`${base(p)}/audit`, { token: p.token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return auditTrailSchema.parse(response.body);
}

const checkpointRows = async (p: Project) => {
  const { releaseId } = await releaseRow(p.slug, p.version);
  return db().auditCheckpoint.findMany({ where: { chain: `release:${releaseId}` }, orderBy: { id: "asc" } });
};

/** Results, a sign-off, a metric and a deploy to staging, then `extra` more metric reports: 5 + extra events. */
async function activeRelease(extra = 0) {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  const headers = { cookie: await signIn(manager.email, manager.password), origin: baseUrl() };
  const ok = (response: { status: number; body: unknown }) => expect(response.status, JSON.stringify(response.body)).toBe(201);
  ok(await api(`${base(p)}/results`, { token: p.token, json: { environment: "staging", commit: p.commit, run: { id: "run-41" }, results: [{ key: "tests/smoke/test_api.py::test_health", status: "passed", durationMs: 41 }] } }));
  ok(await api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "staging", comment: "notes, plan and rota checked" }, headers }));
  ok(await api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }] } }));
  ok(await api(`${base(p)}/deployments`, { token: p.token, json: { environment: "staging" } }));
  for (let sent = 0; sent < extra; sent += 5) {
    await Promise.all(
      Array.from({ length: Math.min(5, extra - sent) }, (_, i) =>
        api(`${base(p)}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 800 + sent + i, unit: "events/s" }] } }).then(ok),
      ),
    );
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// The attacker: a superuser session on the app's database, triggers off for its transaction.

async function asAttacker(work: (sql: pg.Client) => Promise<void>): Promise<void> {
  const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  try {
    await sql.query("BEGIN");
    await sql.query("SET LOCAL session_replication_role = replica");
    await work(sql);
    await sql.query("COMMIT");
  } catch (error) {
    await sql.query("ROLLBACK");
    throw error;
  } finally {
    await sql.end();
  }
}

const fields = (e: ChainedEvent): ChainedEvent => ({
  projectId: e.projectId,
  releaseId: e.releaseId,
  actorUserId: e.actorUserId,
  actorToken: e.actorToken,
  actorLabel: e.actorLabel,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  before: e.before ?? null,
  after: e.after ?? null,
  requestId: e.requestId,
  ip: e.ip,
  createdAt: e.createdAt,
});

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Appends events after `prevHash`, each correctly hashed and linked, with new ids. */
async function insertLinked(sql: pg.Client, prevHash: string | null, events: ChainedEvent[]): Promise<void> {
  let previous = prevHash;
  for (const event of events) {
    const hash = eventHash(previous, event);
    await sql.query(
      `INSERT INTO "AuditEvent" ("projectId","releaseId","actorUserId","actorToken","actorLabel","action","targetType","targetId","before","after","requestId","ip","createdAt","prevHash","hash")
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9::jsonb,$10::jsonb,$11,$12,$13,$14,$15)`,
      [event.projectId, event.releaseId, event.actorUserId, event.actorToken, event.actorLabel, event.action, event.targetType, event.targetId, jsonOrNull(event.before), jsonOrNull(event.after), event.requestId, event.ip, event.createdAt, previous, hash],
    );
    previous = hash;
  }
}

/** A sign-off that never happened, shaped like a real one. */
const ghostSignOff = (like: AuditEventRecord): ChainedEvent => ({
  ...fields(like),
  actorUserId: null,
  actorToken: null,
  actorLabel: "ghost@example.com",
  action: "signoff.created",
  targetType: "item",
  targetId: "release-approval",
  before: null,
  after: { environment: "production", comment: "looks fine" },
  requestId: null,
  ip: null,
});

describe("the audit endpoint against someone with database access", () => {
  it("a correctly hashed event inserted before the last checkpoint (the events after it re-inserted, re-hashed) is reported, naming the checkpoint", async () => {
    const p = await activeRelease();
    const before = await trail(p);
    expect(before.chain).toMatchObject({ ok: true, events: 5, signedEvents: 5 });
    const signed = before.checkpoints.at(-1)!;
    expect(signed).toMatchObject({ events: 5, headId: before.events[4]!.id, headHash: before.events[4]!.hash });

    const events = before.events;
    await asAttacker(async (sql) => {
      await sql.query(`DELETE FROM "AuditEvent" WHERE id = ANY($1::bigint[])`, [events.slice(2).map((e) => e.id)]);
      await insertLinked(sql, events[1]!.hash, [ghostSignOff(events[2]!), ...events.slice(2).map(fields)]);
    });

    const after = await trail(p);
    // Every link holds: on the hash chain alone the forgery passes.
    expect(after.events.map((e) => e.action)).toEqual(["release.created", "results.recorded", "signoff.created", "signoff.created", "metrics.recorded", "deployment.recorded"]);
    expect(after.events[2]!.actorLabel).toBe("ghost@example.com");
    expect(after.chain).toEqual({
      ok: false,
      events: 6,
      reason: expect.stringMatching(new RegExp(`^checkpoint #${signed.id} \\(.*, 5 events up to #${signed.headId}\\): event 5 of the chain is #\\d+ with hash \\w+, but the signed one was #${signed.headId} with hash ${signed.headHash.slice(0, 12)}: events up to it were inserted, removed or rewritten after it was signed$`)),
      checkpoints: before.checkpoints.length,
      signedEvents: expect.any(Number),
      checkpoint: signed.id,
    });
    // The server signs nothing over a chain that fails its checkpoints.
    expect((await checkpointRows(p)).length).toBe(before.checkpoints.length);
  });

  it("a rewritten chain, re-hashed in place from the edit on, is reported at the checkpoint that signed the original", async () => {
    const p = await activeRelease();
    const before = await trail(p);
    const signed = before.checkpoints.at(-1)!;
    const events = before.events;
    await asAttacker(async (sql) => {
      // The sign-off's comment "corrected", every later hash recomputed so each link holds.
      let previous = events[1]!.hash;
      for (const [index, event] of events.entries()) {
        if (index < 2) continue;
        const content = index === 2 ? { ...fields(event), after: { ...(event.after as object), comment: "approved by the CTO" } } : fields(event);
        const hash = eventHash(previous, content);
        await sql.query(`UPDATE "AuditEvent" SET "after" = $2::jsonb, "prevHash" = $3, "hash" = $4 WHERE id = $1`, [event.id, jsonOrNull(content.after), previous, hash]);
        previous = hash;
      }
    });
    const after = await trail(p);
    expect(after.events[2]!.after).toMatchObject({ comment: "approved by the CTO" });
    expect(after.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(after.chain).toMatchObject({ ok: false, events: 5, checkpoint: signed.id, reason: expect.stringContaining(`but the signed one was #${signed.headId} with hash ${signed.headHash.slice(0, 12)}`) });
    expect(after.chain.brokenAt).toBeUndefined();
  });

  it("a dropped tail: fewer events than the last checkpoint signed", async () => {
    const p = await activeRelease();
    const before = await trail(p);
    const signed = before.checkpoints.at(-1)!;
    await asAttacker(async (sql) => {
      await sql.query(`DELETE FROM "AuditEvent" WHERE id = ANY($1::bigint[])`, [before.events.slice(3).map((e) => e.id)]);
    });
    const after = await trail(p);
    expect(after.events).toHaveLength(3);
    expect(after.chain).toMatchObject({ ok: false, events: 3, checkpoint: signed.id, reason: `checkpoint #${signed.id} (${signed.createdAt}, 5 events up to #${signed.headId}): the chain has only 3 events: 2 events were removed from its end (or before it)` });
    // The evidence pack and its printable page say the same.
    const pack = (await api<EvidencePack>(`${base(p)}/evidence-pack`, { token: p.token })).body;
    expect(pack.audit.chain).toEqual(after.chain);
  });

  it("a checkpoint row forged without the key is reported as forged", async () => {
    const p = await activeRelease();
    const before = await trail(p);
    const head = before.events.at(-1)!;
    const { privateKey } = generateKeyPairSync("ed25519");
    const fieldsOf = { chain: before.checkpoints[0]!.chain, headId: head.id, headHash: head.hash!, events: 5, createdAt: new Date().toISOString() };
    const { signature } = signCheckpoint(privateKey, fieldsOf);
    await asAttacker(async (sql) => {
      // Its own key's signature, under the instance's key id.
      await sql.query(`INSERT INTO "AuditCheckpoint" ("chain","headId","headHash","events","createdAt","keyId","signature") VALUES ($1,$2,$3,$4,$5,$6,$7)`, [
        fieldsOf.chain,
        head.id,
        head.hash,
        5,
        fieldsOf.createdAt,
        before.signingKey.keyId,
        signature,
      ]);
    });
    const after = await trail(p);
    expect(after.chain).toMatchObject({ ok: false, reason: expect.stringContaining(`its signature does not verify with key ${before.signingKey.keyId}: the checkpoint was forged or altered`) });
  });
});

describe("the chains outside releases: a project's own and the instance's", () => {
  async function projectTrail(p: Project, cookie: string): Promise<ChainTrail> {
    const response = await api<ChainTrail>(`/api/v1/projects/${p.slug}/audit`, { headers: { cookie } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return chainTrailSchema.parse(response.body);
  }

  it("a project's chain is signed by its writers and checked on read; a forged token event inserted with correct hashes is reported, naming the checkpoint", async () => {
    const p = await makeProject();
    for (let i = 0; i < 3; i++) await makeToken(p.slug);
    const { projectId } = await releaseRow(p.slug, p.version);
    // Signed by the writer of its first event, before anyone read it.
    expect(await db().auditCheckpoint.count({ where: { chain: `project:${projectId}` } })).toBeGreaterThan(0);

    const admin = await makeUser(p.slug, "admin");
    const cookie = await signIn(admin.email, admin.password);
    const before = await projectTrail(p, cookie);
    expect(before).toMatchObject({ scope: "project", project: p.slug });
    expect(before.chain.ok).toBe(true);
    expect(before.chain.signedEvents).toBe(before.chain.events);
    expect(before.events.every((e) => e.projectId === projectId && e.releaseId === null)).toBe(true);
    expect(before.events.filter((e) => e.action === "token.created").length).toBeGreaterThanOrEqual(3);
    const signed = before.checkpoints.at(-1)!;
    expect(signed.chain).toBe(`project:${projectId}`);

    const events = before.events;
    const at = events.findIndex((e) => e.action === "token.created");
    await asAttacker(async (sql) => {
      await sql.query(`DELETE FROM "AuditEvent" WHERE id = ANY($1::bigint[])`, [events.slice(at).map((e) => e.id)]);
      const ghost = { ...fields(events[at]!), actorLabel: "ghost@example.com", after: { ...(events[at]!.after as object), name: "backdoor" } };
      await insertLinked(sql, events[at - 1]?.hash ?? null, [ghost, ...events.slice(at).map(fields)]);
    });
    const after = await projectTrail(p, cookie);
    expect(after.chain).toMatchObject({ ok: false, checkpoint: expect.any(String), reason: expect.stringContaining("were inserted, removed or rewritten after it was signed") });
    expect(after.chain.brokenAt).toBeUndefined();

    // Project admins only: a viewer is told so, a token cannot read it at all.
    const viewer = await makeUser(p.slug, "viewer");
    expect((await api(`/api/v1/projects/${p.slug}/audit`, { headers: { cookie: await signIn(viewer.email, viewer.password) } })).status).toBe(403);
    expect((await api(`/api/v1/projects/${p.slug}/audit`, { token: p.token })).status).toBe(403);
    expect((await api(`/api/v1/projects/${p.slug}/audit?limit=0`, { headers: { cookie } })).status).toBe(422);
  });

  it("the instance's chain (sign-ins) is signed by its writers and checked for instance admins only; limit keeps the answer small", async () => {
    const person = await makeUser(null, null);
    await signIn(person.email, person.password);
    expect(await db().auditCheckpoint.count({ where: { chain: "instance" } })).toBeGreaterThan(0);
    const admin = await makeUser(null, null, "instance-admin");
    await db().user.update({ where: { id: admin.id }, data: { isAdmin: true } });
    const cookie = await signIn(admin.email, admin.password);

    const response = await api<ChainTrail>(`/api/v1/audit?limit=5`, { headers: { cookie } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const trail = chainTrailSchema.parse(response.body);
    expect(trail).toMatchObject({ scope: "instance", project: null });
    expect(trail.chain.ok).toBe(true);
    expect(trail.chain.signedEvents).toBe(trail.chain.events);
    expect(trail.events).toHaveLength(5);
    expect(trail.chain.events).toBeGreaterThan(5);
    expect(trail.checkpoints.every((c) => c.chain === "instance")).toBe(true);
    expect(trail.events.every((e) => e.projectId === null && e.releaseId === null)).toBe(true);
    expect(trail.events.some((e) => e.action === "auth.signin.succeeded" && e.actorUserId === admin.id)).toBe(true);

    const refused = await api(`/api/v1/audit`, { headers: { cookie: await signIn(person.email, person.password) } });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("instance administrators only");
    expect((await api(`/api/v1/audit`)).status).toBe(401);
    expect((await api(`/api/v1/audit?limit=1001`, { headers: { cookie } })).status).toBe(422);
  });
});

describe("checkpoints are made as the policy says, and kept", () => {
  it("a writer signs one for a new chain and every 100 events, without anyone reading the trail; a read signs the head", async () => {
    const p = await activeRelease(100);
    // release.created opened the chain; the 101st event was 100 past it.
    const rows = await checkpointRows(p);
    expect(rows.map((r) => r.events)).toEqual([1, 101]);
    const events = await db().auditEvent.findMany({ where: { releaseId: (await releaseRow(p.slug, p.version)).releaseId }, orderBy: { id: "asc" } });
    expect(events).toHaveLength(105);
    expect(rows[1]).toMatchObject({ headId: events[100]!.id, headHash: events[100]!.hash });

    const read = await trail(p);
    expect(read.chain).toEqual({ ok: true, events: 105, checkpoints: 3, signedEvents: 105 });
    expect((await checkpointRows(p)).map((r) => r.events)).toEqual([1, 101, 105]);
    // Read again with nothing new: nothing more to sign.
    expect((await trail(p)).chain.checkpoints).toBe(3);
  });

  it("the public key is served without credentials and verifies every checkpoint; the private key is a 0600 file outside the database", async () => {
    const p = await activeRelease();
    const read = await trail(p);
    const response = await api("/api/v1/audit/public-key");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const served = signingKeySchema.parse(response.body);
    expect(served).toEqual(read.signingKey);
    const key = createPublicKey(served.publicKey);
    expect(keyIdOf(key)).toBe(served.keyId);
    for (const checkpoint of read.checkpoints) {
      // An independent check of the statement's signature, straight from its documented fields.
      const statement = JSON.stringify({ chain: checkpoint.chain, createdAt: checkpoint.createdAt, events: checkpoint.events, headHash: checkpoint.headHash, headId: checkpoint.headId });
      expect(verifySignature(null, Buffer.from(`shipcheck-audit-checkpoint/1\n${statement}`), key, Buffer.from(checkpoint.signature, "base64"))).toBe(true);
    }
    if (!process.env.SHIPCHECK_AUDIT_SIGNING_KEY) {
      const file = path.join(process.cwd(), ".data", "audit-signing-key.pem");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(publicKeyPem(createPublicKey(await readFile(file, "utf8")))).toBe(served.publicKey);
    }
  });

  it("the database refuses UPDATE, DELETE and TRUNCATE on checkpoints, and they stay as they were", async () => {
    const p = await activeRelease();
    await trail(p);
    const [row] = await checkpointRows(p);
    await expect(db().$executeRawUnsafe(`UPDATE "AuditCheckpoint" SET events = 99 WHERE id = $1`, row!.id)).rejects.toThrow(/AuditCheckpoint is insert-only: UPDATE is not allowed/);
    await expect(db().$executeRawUnsafe(`DELETE FROM "AuditCheckpoint" WHERE id = $1`, row!.id)).rejects.toThrow(/insert-only: DELETE is not allowed/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditCheckpoint"`)).rejects.toThrow(/insert-only: TRUNCATE is not allowed/);
    await expect(db().auditCheckpoint.deleteMany({ where: { chain: row!.chain } })).rejects.toThrow(/insert-only/);
    expect(await db().auditCheckpoint.findUniqueOrThrow({ where: { id: row!.id } })).toEqual(row);
  });
});

// ---------------------------------------------------------------------------------------------
// `shipcheck verify --key`, the real CLI, on exported packs

function shipcheck(args: string[]): Promise<Run> {
  // A clean environment: verifying a pack needs no server, token or database.
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" };
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/shipcheck.mjs", ...args], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "shipcheck-tamper-"));
});

async function file(name: string, content: string): Promise<string> {
  const full = path.join(dir, `${uniqueSuffix()}-${name}`);
  await writeFile(full, content);
  return full;
}

/** Relinks a pack's events from `from` on, as a forger who knows the hash rule would. */
function relink(events: AuditEventRecord[], from: number): AuditEventRecord[] {
  let previous = from > 0 ? events[from - 1]!.hash : null;
  return events.map((event, index) => {
    if (index < from) return event;
    const hash = eventHash(previous, event);
    const linked = { ...event, prevHash: previous, hash };
    previous = hash;
    return linked;
  });
}

describe("shipcheck verify --key", () => {
  let pack: EvidencePack;
  let keyFile: string;
  const copy = () => JSON.parse(JSON.stringify(pack)) as EvidencePack;
  const check = async (name: string, edited: EvidencePack, args: string[] = ["--key", keyFile]) => shipcheck(["verify", await file(name, JSON.stringify(edited)), ...args]);

  beforeAll(async () => {
    const p = await activeRelease(105);
    const response = await api<EvidencePack>(`${base(p)}/evidence-pack`, { token: p.token });
    expect(response.status).toBe(200);
    pack = response.body;
    expect(pack.audit.events).toHaveLength(110);
    expect(pack.audit.checkpoints.at(-1)).toMatchObject({ events: 110 });
    expect(pack.results.length).toBeGreaterThan(0);
    expect(pack.deployments.length).toBeGreaterThan(0);
    const served = (await api("/api/v1/audit/public-key")).body as { publicKey: string };
    keyFile = await file("server-key.pem", served.publicKey);
  }, 120_000);

  it("an untouched pack: exit 0, verified against the key given; the key as a file, as PEM, as base64 or as the endpoint's JSON", async () => {
    const original = await file("pack.json", JSON.stringify(pack, null, 2));
    const run = await shipcheck(["verify", original, "--key", keyFile]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Key ${pack.signingKey.keyId} (given with --key): the key the pack names`);
    expect(run.stdout).toMatch(/Signature valid over all 19 sections \(digest [0-9a-f]{12}\)/);
    expect(run.stdout).toContain("Chain intact: 110 events");
    expect(run.stdout).toMatch(/Checkpoints: \d+ signed, all verify; they cover all 110 events/);
    expect(run.stdout).toContain(`Verified: every section is as the server holding key ${pack.signingKey.keyId} signed it at ${pack.generatedAt}.`);

    const pem = pack.signingKey.publicKey;
    const der = createPublicKey(pem).export({ type: "spki", format: "der" }).toString("base64");
    const json = await file("key.json", JSON.stringify((await api("/api/v1/audit/public-key")).body));
    // A PEM starts with dashes: given inline it goes after `=`, as for any option value.
    for (const args of [[`--key=${pem}`], ["--key", der], ["--key", json]]) {
      const again = await shipcheck(["verify", original, ...args]);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toContain("Verified:");
    }
  });

  it("without --key: checked against the pack's own key only, and it says so", async () => {
    const run = await check("nokey.json", copy(), []);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Key NOT GIVEN: signatures were checked only against the key inside the pack (${pack.signingKey.keyId}), which proves nothing against someone who rewrote the pack`);
    expect(run.stdout).toContain("Self-consistent, NOT authenticated: give --key to check the pack against the server's key.");
    expect(run.stdout).not.toContain("Verified:");
  });

  it("a forged event inserted with correct hashes, the rest relinked: exit 1, the checkpoint and the signature fail", async () => {
    const forged = copy();
    const events = forged.audit.events;
    // The forged event takes the 4th event's id, the later ones move up by one: ids still increase.
    const ghost = { ...events[3]!, ...ghostSignOff(events[3]!), id: events[3]!.id };
    const later = events.slice(3).map((e) => ({ ...e, id: (BigInt(e.id) + 1n).toString() }));
    forged.audit.events = relink([...events.slice(0, 3), ghost, ...later], 3);
    const run = await check("forged.json", forged);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Chain intact: 111 events");
    expect(run.stdout).toMatch(/Checkpoint FAILED: checkpoint #\d+ \(.*\): event \d+ of the chain is #\d+ with hash \w+, but the signed one was #\d+ with hash \w+: events up to it were inserted, removed or rewritten after it was signed/);
    expect(run.stdout).toContain("Signature INVALID: changed after the server signed the pack: audit");
    expect(run.stdout).toContain("ALTERED:");
  });

  it("a rewritten event, the chain re-hashed after it: exit 1", async () => {
    const rewritten = copy();
    const events = rewritten.audit.events;
    events[2] = { ...events[2]!, after: { ...(events[2]!.after as object), comment: "approved by the CTO" } };
    rewritten.audit.events = relink(events, 2);
    const run = await check("rewritten.json", rewritten);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Chain intact: 110 events");
    // The first checkpoint after the edit fails: the writer's at event 101.
    expect(run.stdout).toMatch(/Checkpoint FAILED: checkpoint #\d+ \(.*, 101 events up to #\d+\): event 101 of the chain is #\d+ with hash \w+, but the signed one/);
    expect(run.stdout).toContain("Signature INVALID: changed after the server signed the pack: audit");
  });

  it("the last 100 events dropped: exit 1, the last checkpoint counted more", async () => {
    const dropped = copy();
    dropped.audit.events = dropped.audit.events.slice(0, -100);
    const last = pack.audit.checkpoints.at(-1)!;
    const run = await check("dropped.json", dropped);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Chain intact: 10 events");
    expect(run.stdout).toMatch(/Checkpoint FAILED: checkpoint #\d+ \(.*, \d+ events up to #\d+\): the chain has only 10 events: \d+ events were removed from its end/);
    expect(run.stdout).toContain("Signature INVALID: changed after the server signed the pack: audit");
    // The newest checkpoint alone would say the same.
    expect(last.events).toBe(110);
  });

  it("an edited result, gate or deployment: exit 1, naming the section; the chain alone would not see it", async () => {
    const cases: [string, (p: EvidencePack) => void][] = [
      ["results", (p) => (p.results[0]!.status = "failed")],
      ["gates", (p) => (p.gates.production!.open = !p.gates.production!.open)],
      ["deployments", (p) => (p.deployments[0]!.commit = "0".repeat(40))],
    ];
    for (const [section, change] of cases) {
      const edited = copy();
      change(edited);
      const run = await check(`${section}.json`, edited);
      expect(run.code, section).toBe(1);
      expect(run.stdout).toContain("Chain intact: 110 events");
      expect(run.stdout).toContain(`Signature INVALID: changed after the server signed the pack: ${section}`);
    }
  });

  it("a pack re-signed by a forger's own key passes only without --key; with the server's key, or a wrong key, exit 1", async () => {
    const forger = generateKeyPairSync("ed25519");
    const forged = copy();
    forged.results[0]!.status = "failed";
    forged.audit.checkpoints = forged.audit.checkpoints.map((c) => ({ ...c, ...signCheckpoint(forger.privateKey, c) }));
    forged.signingKey = { algorithm: "Ed25519", keyId: keyIdOf(forger.publicKey), publicKey: publicKeyPem(forger.publicKey) };
    const { signature: _old, ...unsigned } = forged;
    void _old;
    const resigned = { ...unsigned, signature: signPack(forger.privateKey, unsigned) };

    const selfConsistent = await check("resigned.json", resigned, []);
    expect(selfConsistent.code).toBe(0);
    expect(selfConsistent.stdout).toContain("Self-consistent, NOT authenticated");

    const caught = await check("resigned.json", resigned);
    expect(caught.code).toBe(1);
    expect(caught.stdout).toContain(`Key ${pack.signingKey.keyId} (given with --key); the pack names another key, ${keyIdOf(forger.publicKey)}`);
    expect(caught.stdout).toContain(`Signature INVALID: the pack is signed by key ${keyIdOf(forger.publicKey)}, and its signature does not verify with key ${pack.signingKey.keyId}`);
    expect(caught.stdout).toContain(`it is signed by key ${keyIdOf(forger.publicKey)}, not ${pack.signingKey.keyId}`);

    // The untouched pack against some other key.
    const wrongKey = await file("wrong.pem", publicKeyPem(generateKeyPairSync("ed25519").publicKey));
    const wrong = await check("untouched.json", copy(), ["--key", wrongKey]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/Signature INVALID: the pack is signed by key \w+, and its signature does not verify with key \w+: it was not signed by that server, or was re-signed/);
  });

  it("a --key that is not a public key: exit 2, saying why", async () => {
    const untouched = await file("pack.json", JSON.stringify(pack));
    const missing = await shipcheck(["verify", untouched, "--key", path.join(dir, "no-such-key.pem")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--key: no such file:");
    const privatePem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const privateKey = await shipcheck(["verify", untouched, "--key", await file("private.pem", privatePem)]);
    expect(privateKey.code).toBe(2);
    expect(privateKey.stderr).toContain("--key: that is a private key: give the public key");
    const empty = await shipcheck(["verify", untouched, "--key", ""]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--key needs the server's public key");
    const inline = await shipcheck(["verify", untouched, "--key", pack.signingKey.publicKey]);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('A PEM given inline goes after "=": --key="$(cat key.pem)"');
    const garbage = await shipcheck(["verify", untouched, "--key", "bm90IGEga2V5"]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/--key: bm90IGEga2V5 is no file, and not a readable public key/);
  });
});
