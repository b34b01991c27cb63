// Migrations through the WASM schema engine, against the real PostgreSQL of the machine
// (DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres): a scratch database per run.
import { createHash } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, databaseExists, type ScratchDatabase, withDatabase } from "./database-url";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, diffSchemaToMigration, migrationSlug, nextMigrationTimestamp, readMigrationsList } from "./migrate";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe("applyMigrations", () => {
  let scratch: ScratchDatabase;
  let migrationNames: string[];

  beforeAll(async () => {
    scratch = await createScratchDatabase(ADMIN_URL, "shipcheck_test_migrate");
    migrationNames = (await readMigrationsList()).migrationDirectories.map((d) => d.path);
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it("finds the committed migrations in Prisma's layout", async () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    for (const name of migrationNames) expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
    expect(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml"), "utf8")).toMatch(/^provider = "postgresql"$/m);
  });

  it("applies every migration to an empty database and records it in _prisma_migrations", async () => {
    const { applied } = await applyMigrations(scratch.url);
    expect(applied).toEqual(migrationNames);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number }>(
      scratch.url,
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const sql = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      // Same bookkeeping as `prisma migrate deploy`: sha256 of the script, finished, not rolled back.
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("applies nothing the second time", async () => {
    expect(await applyMigrations(scratch.url)).toEqual({ applied: [] });
    const [{ count }] = (await query<{ count: string }>(scratch.url, `SELECT count(*) FROM _prisma_migrations`)) as [{ count: string }];
    expect(Number(count)).toBe(migrationNames.length);
  });

  it("creates the schema's tables and enums", async () => {
    const tables = (await query<{ table_name: string }>(scratch.url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)).map(
      (r) => r.table_name,
    );
    for (const table of ["User", "Project", "Membership", "Environment", "Template", "TemplateVersion", "Release", "ReleaseItem", "Result", "Metric", "SignOff", "AuditEvent", "ApiToken"]) {
      expect(tables).toContain(table);
    }
    const enums = (await query<{ typname: string }>(scratch.url, `SELECT typname FROM pg_type WHERE typtype = 'e'`)).map((r) => r.typname);
    expect(enums).toEqual(expect.arrayContaining(["Role", "ReleaseStatus", "ResultStatus"]));
  });

  it("tells which database failed when it cannot connect", async () => {
    const url = withDatabase(ADMIN_URL, "shipcheck_does_not_exist");
    await expect(applyMigrations(url)).rejects.toThrow(/shipcheck_does_not_exist/);
  });
});

describe("diffSchemaToMigration", () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "shipcheck-migrations-"));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("finds no changes between the committed migrations and prisma/schema.prisma", async () => {
    // On a copy, so a schema change without its migration fails here instead of writing files.
    const dir = path.join(tmp, "committed");
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const logs: string[] = [];
    const result = await diffSchemaToMigration(ADMIN_URL, "should_be_empty", { migrationsDir: dir, log: (m) => logs.push(m) });
    expect(result.sql, `prisma/schema.prisma has changes without a migration: run npm run db:diff -- <name>\n${result.sql}`).toBeNull();
    expect(result.migrationName).toBeNull();
    expect(logs.join("\n")).toMatch(/no changes/);
    expect((await readdir(dir)).sort()).toEqual((await readdir(DEFAULT_MIGRATIONS_DIR)).sort());
  });

  it("writes the first migration and the lock file into an empty directory, and drops its scratch database", async () => {
    const dir = path.join(tmp, "fresh");
    const logs: string[] = [];
    const result = await diffSchemaToMigration(ADMIN_URL, "Init Schema", { migrationsDir: dir, log: (m) => logs.push(m), now: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) });
    expect(result.migrationName).toBe("20300102030405_init_schema");
    expect(result.file).toBe(path.join(dir, "20300102030405_init_schema", "migration.sql"));
    const sql = await readFile(result.file!, "utf8");
    expect(sql).toBe(result.sql);
    expect(sql).toMatch(/CREATE TABLE "Release"/);
    expect(await readFile(path.join(dir, "migration_lock.toml"), "utf8")).toMatch(/^provider = "postgresql"$/m);

    // Its scratch database is gone.
    const scratchName = /scratch database (shipcheck_diff_\w+)/.exec(logs.join("\n"))?.[1];
    expect(scratchName).toBeDefined();
    expect(await databaseExists(ADMIN_URL, scratchName!)).toBe(false);
  });
});

describe("nextMigrationTimestamp", () => {
  it("uses the UTC clock, but always sorts after the latest existing migration", () => {
    const now = new Date(Date.UTC(2026, 10, 28, 9, 5, 7));
    expect(nextMigrationTimestamp(now, [])).toBe("20261128090507");
    expect(nextMigrationTimestamp(now, ["20250101000000_init"])).toBe("20261128090507");
    expect(nextMigrationTimestamp(now, ["20261128090507_init"])).toBe("20261128090508");
    expect(nextMigrationTimestamp(now, ["20261231235959_future", "20250101000000_init"])).toBe("20270101000000");
  });
});

describe("migrationSlug", () => {
  it("makes Prisma-style names", () => {
    expect(migrationSlug("add release notes")).toBe("add_release_notes");
    expect(migrationSlug("Add-Release.Notes!")).toBe("add_release_notes");
    expect(() => migrationSlug("  ")).toThrow(/Invalid migration name/);
  });
});
