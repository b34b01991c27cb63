// The change listener against the machine's PostgreSQL (DATABASE_URL): notices fanned out to the
// subscribers they concern, only once committed; a dropped connection reported, retried with
// backoff and, once back, followed by a resync. Each test listens on a channel of its own.
import { randomBytes, randomUUID } from "node:crypto";
import net from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { concerns, decodeNotice, encodeNotice, type ChangeNotice } from "./change";
import { backoffDelay, ChangeListener, type ListenerSignal } from "./listener";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const open: ChangeListener[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function listener(options: Partial<ConstructorParameters<typeof ChangeListener>[0]> = {}) {
  const channel = `test_${randomBytes(6).toString("hex")}`;
  const applicationName = `listener-test-${channel}`;
  const logs: string[] = [];
  const l = new ChangeListener({ connectionString: DATABASE_URL, channel, applicationName, backoff: { initialMs: 20, maxMs: 200 }, log: (m) => logs.push(m), ...options });
  open.push(l);
  return { l, channel, applicationName, logs };
}

/** Everything one subscriber hears, and a way to wait for what it should hear next. */
function recorder() {
  const heard: ListenerSignal[] = [];
  let waiters: (() => void)[] = [];
  const notify = (signal: ListenerSignal) => {
    heard.push(signal);
    for (const w of waiters) w();
    waiters = [];
  };
  const until = async (test: (heard: ListenerSignal[]) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!test(heard)) {
      if (Date.now() > deadline) throw new Error(`timed out; heard ${JSON.stringify(heard)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return { heard, notify, until };
}

/**
 * A TCP relay to PostgreSQL the test can cut (close everything, refuse new connections), restore,
 * or freeze (open connections stay open but carry nothing; new ones are relayed).
 */
async function startRelay() {
  const target = new URL(DATABASE_URL);
  const pairs = new Set<[net.Socket, net.Socket]>();
  const frozen: net.Socket[] = [];
  let accepting = true;
  const server = net.createServer((client) => {
    if (!accepting) return client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    for (const s of pair) {
      s.on("error", () => {});
      s.on("close", () => pairs.delete(pair));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const s of [...[...pairs].flat(), ...frozen]) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = new URL(DATABASE_URL);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cut() {
      accepting = false;
      for (const pair of pairs) for (const s of pair) s.destroy();
    },
    restore() {
      accepting = true;
    },
    freeze() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        frozen.push(client, upstream);
      }
      pairs.clear();
    },
  };
}

const changes = (heard: ListenerSignal[]) => heard.flatMap((s) => (s.type === "change" ? [s.notice] : []));
const types = (heard: ListenerSignal[]) => heard.map((s) => s.type);

async function sql(text: string, params: unknown[] = [], url = DATABASE_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** NOTIFY in a transaction, as recordAudit does, committed or rolled back. */
async function publish(channel: string, notice: ChangeNotice, outcome: "COMMIT" | "ROLLBACK" = "COMMIT") {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_notify($1, $2)", [channel, encodeNotice(notice)]);
    await client.query(outcome);
  } finally {
    await client.end();
  }
}

const notice = (projectId: string, releaseId: string | null, kind = "results.recorded"): ChangeNotice => ({ projectId, releaseId, kind, eventId: "1" });

describe("change notices", () => {
  it("round-trip through the wire format and refuse what is not one", () => {
    const n = notice(randomUUID(), randomUUID());
    expect(decodeNotice(encodeNotice(n))).toEqual(n);
    expect(decodeNotice(encodeNotice({ ...n, releaseId: null }))).toEqual({ ...n, releaseId: null });
    for (const bad of [undefined, "", "not json", "{}", '{"p":"x"}', '{"p":"x","r":null,"k":""}', "[1,2]"]) expect(decodeNotice(bad)).toBeNull();
    expect(Buffer.byteLength(encodeNotice({ ...n, kind: "k".repeat(5_000) }))).toBeLessThan(8_000);
  });

  it("concern a release's subscriber when they are about that release or about its whole project", () => {
    const [p, r, other] = [randomUUID(), randomUUID(), randomUUID()];
    expect(concerns({ projectId: p, releaseId: r }, notice(p, r))).toBe(true);
    expect(concerns({ projectId: p, releaseId: r }, notice(p, null))).toBe(true);
    expect(concerns({ projectId: p, releaseId: r }, notice(p, other))).toBe(false);
    expect(concerns({ projectId: p, releaseId: r }, notice(other, r))).toBe(false);
    expect(concerns({ projectId: p }, notice(p, other))).toBe(true);
  });
});

describe("backoffDelay", () => {
  it("doubles from the first delay up to the cap, jittered within the upper half", () => {
    const backoff = { initialMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10, 1000].map((a) => backoffDelay(a, backoff, () => 1))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, backoff, () => 0))).toEqual([50, 100, 200, 400, 500]);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, backoff);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe("ChangeListener", () => {
  it("fans committed notices out to the subscribers they concern, and never a rolled-back one", async () => {
    const { l, channel } = listener();
    const [p, r1, r2, other] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const release1 = recorder();
    const release2 = recorder();
    const project = recorder();
    const stranger = recorder();
    l.subscribe({ projectId: p, releaseId: r1 }, release1.notify);
    l.subscribe({ projectId: p, releaseId: r2 }, release2.notify);
    l.subscribe({ projectId: p }, project.notify);
    l.subscribe({ projectId: other }, stranger.notify);
    expect(l.subscriberCount).toBe(4);
    // Listening for the first time: everyone is told to read the state fresh.
    await release1.until((h) => types(h).includes("resync"));
    expect(l.connected).toBe(true);

    await publish(channel, notice(p, r1, "never.committed"), "ROLLBACK");
    await publish(channel, notice(p, r1, "results.recorded"));
    await publish(channel, notice(p, null, "project.locked"));
    await publish(channel, notice(p, r2, "signoff.created"));
    // Another writer's payload on the channel is ignored, not fatal.
    await sql("SELECT pg_notify($1, 'garbage')", [channel]);
    await publish(channel, notice(p, r1, "metrics.recorded"));
    await release1.until((h) => changes(h).length === 3);
    await project.until((h) => changes(h).length === 4);
    await release2.until((h) => changes(h).length === 2);

    expect(changes(release1.heard).map((n) => n.kind)).toEqual(["results.recorded", "project.locked", "metrics.recorded"]);
    expect(changes(release2.heard).map((n) => n.kind)).toEqual(["project.locked", "signoff.created"]);
    expect(changes(project.heard).map((n) => n.kind)).toEqual(["results.recorded", "project.locked", "signoff.created", "metrics.recorded"]);
    expect(changes(stranger.heard)).toEqual([]);
  });

  it("stops delivering to a subscriber once it unsubscribes, and keeps one connection for all", async () => {
    const { l, channel, applicationName } = listener();
    const p = randomUUID();
    const a = recorder();
    const b = recorder();
    const stopA = l.subscribe({ projectId: p }, a.notify);
    l.subscribe({ projectId: p }, b.notify);
    await a.until((h) => types(h).includes("resync"));
    const { rows } = await sql("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
    expect(rows[0].n).toBe(1);
    stopA();
    expect(l.subscriberCount).toBe(1);
    await publish(channel, notice(p, null));
    await b.until((h) => changes(h).length === 1);
    expect(changes(a.heard)).toEqual([]);
  });

  it("reports a dropped connection, reconnects by itself and then asks for a resync; changes flow again", async () => {
    const { l, channel, applicationName } = listener();
    const p = randomUUID();
    const sub = recorder();
    l.subscribe({ projectId: p }, sub.notify);
    await sub.until((h) => types(h).includes("resync"));
    // The database ends the session, as a failover or an idle-session killer would.
    const killed = await sql("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
    expect(killed.rows).toEqual([{ ok: true }]);
    await sub.until((h) => types(h).join(",") === "resync,lost,resync");
    expect(l.connected).toBe(true);
    expect(l.connections).toBe(2);
    await publish(channel, notice(p, null, "after.reconnect"));
    await sub.until((h) => changes(h).length === 1);
    expect(changes(sub.heard)[0]!.kind).toBe("after.reconnect");
  });

  it("keeps retrying, with growing delays, while the database is unreachable, and resyncs when it is back", async () => {
    const relay = await startRelay();
    const { l, channel, logs } = listener({ connectionString: relay.url, backoff: { initialMs: 40, maxMs: 320 } });
    const p = randomUUID();
    const sub = recorder();
    l.subscribe({ projectId: p }, sub.notify);
    await sub.until((h) => types(h).includes("resync"));

    relay.cut();
    await sub.until((h) => types(h).includes("lost"));
    expect(l.connected).toBe(false);
    const cutAt = Date.now();
    await new Promise((r) => setTimeout(r, 1_200));
    // Attempts were made, spaced by backoff: far fewer than a tight loop would make.
    const failures = logs.filter((m) => /could not listen|listener connection failed/.test(m)).length;
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThan(15);
    expect(types(sub.heard)).toEqual(["resync", "lost"]);

    relay.restore();
    await sub.until((h) => types(h).join(",") === "resync,lost,resync", 5_000);
    expect(Date.now() - cutAt).toBeGreaterThan(1_000);
    await publish(channel, notice(p, null, "back"));
    await sub.until((h) => changes(h).length === 1);
  });

  it("drops a connection whose peer stopped answering (no close, no error) once its ping goes unanswered", async () => {
    const relay = await startRelay();
    const { l, logs } = listener({ connectionString: relay.url, pingMs: 200 });
    const p = randomUUID();
    const sub = recorder();
    l.subscribe({ projectId: p }, sub.notify);
    await sub.until((h) => types(h).includes("resync"));
    // Bytes stop flowing on the open connection, as across a dead network path; new ones work.
    relay.freeze();
    await sub.until((h) => types(h).join(",") === "resync,lost,resync");
    expect(logs).toContain("listener connection stopped answering");
    expect(l.connections).toBe(2);
  });

  it("survives a subscriber that throws", async () => {
    const { l, channel, logs } = listener();
    const p = randomUUID();
    const good = recorder();
    l.subscribe({ projectId: p }, () => {
      throw new Error("boom");
    });
    l.subscribe({ projectId: p }, good.notify);
    await good.until((h) => types(h).includes("resync"));
    await publish(channel, notice(p, null));
    await good.until((h) => changes(h).length === 1);
    expect(logs.some((m) => m.includes("boom"))).toBe(true);
  });
});
