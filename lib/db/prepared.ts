// Statements that every API request of some kind runs (a token's lookup, say) go to the pool as
// named prepared statements (docs/decisions/022): each connection parses and plans them once,
// and the client's per-query work is skipped. Everything else goes through Prisma.
//
// They return only text, booleans, integers and arrays of text, which node-postgres and Prisma
// read alike; timestamps are compared in SQL, never read back, so no time zone can move them.
import { pool } from "./client";

export type PreparedStatement = { name: string; text: string };

/** A statement's text, named once for the whole process. */
export function prepared(name: string, text: string): PreparedStatement {
  return { name: `shipcheck_${name}`, text };
}

export async function runPrepared<Row>(statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
  const result = await pool().query({ name: statement.name, text: statement.text, values });
  return result.rows as Row[];
}
