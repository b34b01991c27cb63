// Which tables the application may only add to. The app's database role gets SELECT and INSERT on
// these, never UPDATE, DELETE or TRUNCATE, and owns no table, so it can neither disable nor drop
// the trigger that makes them append-only (see docs/decisions/004-database-roles.md).
//
// Add a table here in the migration's change that makes it append-only. A table with a trigger
// whose name or function says `append_only` is treated the same way even when it is missing here
// (the grant step reads the triggers), and lib/db/app-role.test.ts fails until the two agree.
export const APPEND_ONLY_TABLES: readonly string[] = ["AuditEvent", "Rejection"];

/** Bookkeeping of the migrations: the owner's alone; the app neither reads nor writes it. */
export const OWNER_ONLY_TABLES: readonly string[] = ["_prisma_migrations"];

/** What marks a trigger as an append-only guard: its name, or its function's name. */
export const APPEND_ONLY_TRIGGER_MARK = "append_only";
