// Push latency across instances: how long after CI's POST is answered do open event streams hear
// of it, and does a browser's release page show it? For the benchmark; see scripts/bench-push.ts.
//
//   import { runPushBench } from "./lib/bench-push";
//   const result = await runPushBench({ root, basePort: 3420, say });   // fresh database, 2 instances, haproxy
//   console.log(formatPushResult(result));
//
// or, with instances and a balancer already running, `seedPushRelease()` then `measurePush({...})`.
// Every time is taken with this process's clock (performance.now()): stream events are stamped as
// they are read here, and the page reports its banner's change through a Playwright binding that
// is stamped here too, so the browser's own clock is never compared with ours. That adds the
// binding's round trip to the banner figure: it errs on the slow side.
import { randomBytes } from "node:crypto";
import { chromium } from "@playwright/test";
import pg from "pg";
import { CHANGES_CHANNEL } from "@/lib/realtime/change";
import { createApiToken } from "@/lib/server/create-api-token";
import { createProject } from "@/lib/server/create-project";
import { createRelease } from "@/lib/server/create-release";
import { createUser } from "@/lib/server/create-user";
import { saveTemplate } from "@/lib/server/save-template";
import { freshDatabase, startApp } from "./app-under-test";
import { openEventStream, type EventStream } from "./event-stream-client";
import { startHaproxy } from "./haproxy";

type Say = (msg: string) => void;

export type PushRelease = { project: string; version: string; token: string; viewer: { email: string; password: string } };

export type Percentiles = { n: number; p50: number; p95: number; max: number };

export type PushResult = {
  streams: number;
  posts: number;
  /** Open streams per instance, as the balancer spread them (its X-Served-By). */
  streamsPerInstance: Record<string, number>;
  /** POST sent to answered. */
  postAnswered: Percentiles;
  /** POST answered to the `change` event read on each stream (negative: it came before the answer). */
  streamEvent: Percentiles;
  /** POST answered to the page's staging banner showing the new verdict. */
  banner: Percentiles;
  /** GET of the release JSON through the balancer, as the page makes it after each event: most of the banner's time. */
  releaseGet: Percentiles;
  /** POST answered to the NOTIFY read by a plain LISTEN in this process: the database's share, for reference. */
  databaseNotify: Percentiles | null;
  /** Where the page's event stream was served, and where the writes went. */
  pageInstance: string;
  writeInstance: string;
};

const TEMPLATE = `name: push-bench
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: smoke, title: Smoke tests, kind: check, patterns: ["tests/smoke/*"] }
`;

const system = { principal: { kind: "system" as const, label: "bench" } };

/** A project whose staging gate flips with each result posted (passed: open, failed: closed), its token and a viewer. */
export async function seedPushRelease(slug = `push-${randomBytes(3).toString("hex")}`): Promise<PushRelease> {
  await createProject(system, { slug, name: `Push bench ${slug}`, environments: ["staging", "production"] });
  await saveTemplate(system, slug, TEMPLATE);
  await createRelease(system, slug, { version: "v1.0.0", commit: "c".repeat(40), template: "push-bench" });
  const token = (await createApiToken(system, { project: slug, name: "push-bench" })).token;
  const viewer = { email: `viewer-${slug}@bench.example`, password: randomBytes(12).toString("hex") };
  await createUser(system, { ...viewer, name: "Bench viewer", memberships: [{ project: slug, role: "viewer" }] });
  return { project: slug, version: "v1.0.0", token, viewer };
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the value at or below which that share of the samples lie.
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN };
}

type MeasureOptions = {
  /** The balancer's URL, and the name of its sticky cookie (scripts/lib/haproxy.ts). */
  balancerUrl: string;
  cookie: string;
  /** Backend names: writes go to the first, the page is pinned to the second. */
  writeInstance: string;
  pageInstance: string;
  release: PushRelease;
  streams?: number;
  posts?: number;
  chromiumPath?: string;
  /** When given, a LISTEN of this process's own measures the database's part of the latency. */
  databaseUrl?: string;
  say?: Say;
};

/**
 * Opens `streams` event streams through the balancer (it spreads them over the instances) and one
 * Chromium page pinned to `pageInstance`, then posts `posts` results to `writeInstance`, one at a
 * time, each flipping the staging gate, waiting for every stream and the page to hear of it.
 */
export async function measurePush(options: MeasureOptions): Promise<PushResult> {
  const say = options.say ?? (() => undefined);
  const { release, balancerUrl } = options;
  const streamCount = options.streams ?? 50;
  const postCount = options.posts ?? 30;
  const base = `${balancerUrl}/api/v1/projects/${release.project}/releases/${release.version}`;

  say(`opening ${streamCount} event streams through ${balancerUrl}`);
  const streams: EventStream[] = [];
  const notified: number[] = [];
  const listener = options.databaseUrl ? new pg.Client({ connectionString: options.databaseUrl }) : null;
  if (listener) {
    await listener.connect();
    listener.on("notification", () => notified.push(performance.now()));
    await listener.query(`LISTEN "${CHANGES_CHANNEL}"`);
  }
  const browser = await chromium.launch({ executablePath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  try {
    for (let i = 0; i < streamCount; i++) {
      const stream = await openEventStream(`${base}/events`, { authorization: `Bearer ${release.token}` });
      if (stream.status !== 200) throw new Error(`stream ${i} got HTTP ${stream.status}: ${stream.body}`);
      streams.push(stream);
    }
    const perInstance: Record<string, number> = {};
    for (const s of streams) perInstance[String(s.headers["x-served-by"])] = (perInstance[String(s.headers["x-served-by"])] ?? 0) + 1;
    // A stream opened before its instance listened says `paused`, then `resync` once it does.
    await Promise.all(streams.map((s) => (s.events.some((e) => e.type === "paused") ? s.waitFor((e) => e.type === "resync", 0, 10_000) : null)));

    say(`opening the release page in Chromium, pinned to instance ${options.pageInstance}`);
    const context = await browser.newContext({ baseURL: balancerUrl });
    await context.addCookies([{ name: options.cookie, value: options.pageInstance, url: balancerUrl }]);
    const page = await context.newPage();
    const banner: { text: string; at: number }[] = [];
    await page.exposeBinding("__shipcheckBanner", (_source, text: string) => void banner.push({ text, at: performance.now() }));
    await page.goto("/signin");
    await page.getByLabel("Email").fill(release.viewer.email);
    await page.getByLabel("Password").fill(release.viewer.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname !== "/signin");
    const pageStream = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/events"));
    await page.goto(`/projects/${release.project}/releases/${release.version}`);
    const pageServedBy = (await pageStream).headers()["x-served-by"] ?? "?";
    await page.locator('[data-live="live"]').waitFor();
    // The page reports each new headline of the staging banner the moment React writes it.
    await page.evaluate(() => {
      const section = document.querySelector('[aria-label="staging gate"]');
      if (!section) throw new Error("no staging gate banner on the page");
      const report = (window as unknown as { __shipcheckBanner: (text: string) => void }).__shipcheckBanner;
      let last = section.querySelector("h2")?.textContent ?? "";
      new MutationObserver(() => {
        const now = section.querySelector("h2")?.textContent ?? "";
        if (now !== last) report((last = now));
      }).observe(section, { subtree: true, childList: true, characterData: true });
    });

    const answeredMs: number[] = [];
    const streamMs: number[] = [];
    const bannerMs: number[] = [];
    const notifyMs: number[] = [];
    const getMs: number[] = [];
    say(`posting ${postCount} results to instance ${options.writeInstance}`);
    for (let i = 0; i < postCount; i++) {
      const status = i % 2 === 0 ? "passed" : "failed";
      const expected = status === "passed" ? "staging: gate open" : "staging: gate closed";
      const marks = streams.map((s) => s.events.length);
      const bannerMark = banner.length;
      const notifyMark = notified.length;
      const sent = performance.now();
      const response = await fetch(`${base}/results`, {
        method: "POST",
        headers: { authorization: `Bearer ${release.token}`, "content-type": "application/json", cookie: `${options.cookie}=${options.writeInstance}` },
        body: JSON.stringify({ environment: "staging", run: { id: `push-${i}`, startedAt: new Date().toISOString() }, results: [{ key: "tests/smoke/test_health.py::test_ok", status }] }),
      });
      const text = await response.text();
      const answered = performance.now();
      if (response.status !== 201) throw new Error(`POST ${i} got HTTP ${response.status}: ${text.slice(0, 300)}`);
      if (response.headers.get("x-served-by") !== options.writeInstance) throw new Error(`POST ${i} was served by ${response.headers.get("x-served-by")}, not ${options.writeInstance}`);
      answeredMs.push(answered - sent);
      const heard = await Promise.all(streams.map((s, k) => s.waitFor((e) => e.type === "change", marks[k], 10_000)));
      for (const event of heard) streamMs.push(event.at - answered);
      const deadline = Date.now() + 10_000;
      let shown: { at: number } | undefined;
      while (!(shown = banner.slice(bannerMark).find((b) => b.text === expected))) {
        if (Date.now() > deadline) throw new Error(`post ${i}: the banner did not show "${expected}" within 10 s (saw ${JSON.stringify(banner.slice(bannerMark))})`);
        await new Promise((r) => setTimeout(r, 5));
      }
      bannerMs.push(shown.at - answered);
      const raw = notified[notifyMark];
      if (raw !== undefined) notifyMs.push(raw - answered);
      // Let the page's refetch settle before the next write, so each sample stands alone.
      await new Promise((r) => setTimeout(r, 150));
      const getStarted = performance.now();
      const read = await fetch(base, { headers: { authorization: `Bearer ${release.token}`, cookie: `${options.cookie}=${options.pageInstance}` } });
      await read.text();
      getMs.push(performance.now() - getStarted);
      await new Promise((r) => setTimeout(r, 100));
    }
    await context.close();
    return {
      streams: streamCount,
      posts: postCount,
      streamsPerInstance: perInstance,
      postAnswered: percentiles(answeredMs),
      streamEvent: percentiles(streamMs),
      banner: percentiles(bannerMs),
      releaseGet: percentiles(getMs),
      databaseNotify: listener ? percentiles(notifyMs) : null,
      pageInstance: pageServedBy,
      writeInstance: options.writeInstance,
    };
  } finally {
    for (const s of streams) s.close();
    await browser.close();
    await listener?.end();
  }
}

/** A fresh database, two instances (a, b) on basePort and basePort+1, haproxy on basePort+2, then `measurePush`. */
export async function runPushBench(options: { root: string; basePort: number; streams?: number; posts?: number; say?: Say }): Promise<PushResult> {
  const say = options.say ?? (() => undefined);
  const database = await freshDatabase(options.root, { prefix: "shipcheck_bench_push", embeddedDir: "pg-bench", embeddedPort: 54332, say });
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = database.databaseUrl;
  const publicUrl = `http://localhost:${options.basePort + 2}`;
  const shared = { databaseUrl: database.databaseUrl, say, sessionSecret: randomBytes(32).toString("hex"), publicUrl };
  const apps = await Promise.all([startApp(options.root, { ...shared, port: options.basePort }), startApp(options.root, { ...shared, port: options.basePort + 1 })]);
  try {
    const balancer = await startHaproxy({
      port: options.basePort + 2,
      backends: [
        { name: "a", port: options.basePort },
        { name: "b", port: options.basePort + 1 },
      ],
      say,
    });
    try {
      const release = await seedPushRelease();
      // One unmeasured round first: each instance's first request of a route pays for loading it.
      await measurePush({ balancerUrl: balancer.url, cookie: balancer.cookie, writeInstance: "a", pageInstance: "b", release, streams: 2, posts: 2 });
      return await measurePush({ balancerUrl: balancer.url, cookie: balancer.cookie, writeInstance: "a", pageInstance: "b", release, streams: options.streams, posts: options.posts, databaseUrl: database.databaseUrl, say });
    } finally {
      await balancer.stop();
    }
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    process.env.DATABASE_URL = saved;
    await database.drop();
  }
}

export function formatPushResult(r: PushResult): string {
  const row = (what: string, p: Percentiles) => `${what.padEnd(62)} p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms, max ${p.max.toFixed(0)} ms (n=${p.n})`;
  const spread = Object.entries(r.streamsPerInstance).map(([name, n]) => `${n} on ${name}`).join(", ");
  return [
    `${r.streams} event streams through haproxy (${spread}); page on instance ${r.pageInstance}; ${r.posts} results posted to instance ${r.writeInstance}`,
    row("POST results, sent to answered", r.postAnswered),
    row("POST answered to change event on each stream", r.streamEvent),
    row("POST answered to the page's banner updated (target p95 <= 300)", r.banner),
    row("GET the release through haproxy (what the page does per event)", r.releaseGet),
    ...(r.databaseNotify ? [row("POST answered to NOTIFY at a plain LISTEN here (reference)", r.databaseNotify)] : []),
  ].join("\n");
}
