// Page helpers: what a page does when its data is missing, forbidden or cannot be read.
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/return-path";
import { markDatabaseDown } from "@/lib/db/outage";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { AppError } from "@/lib/errors";

/** The header scripts/server.mjs sets to the request's path and query (replacing any a client sent). */
const REQUEST_PATH_HEADER = "x-shipcheck-path";

/**
 * A database outage met while rendering: marked, and the browser sent to the same page again,
 * which the app's server then answers with its 503 page (scripts/server.mjs), so an outage is
 * never a 500. Returns for every other error.
 */
async function redirectOnOutage(error: unknown): Promise<void> {
  if (!isDatabaseUnavailable(error)) return;
  markDatabaseDown(error);
  const path = (await headers()).get(REQUEST_PATH_HEADER);
  if (path) redirect(safeReturnPath(path));
}

/** A page's query: a database outage becomes the outage page. */
export async function pageData<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    await redirectOnOutage(error);
    throw error;
  }
}

/**
 * A page's query for a member who may lack the role: forbidden comes back as the refusal (the
 * page says why, since a member already knows the project exists); not found is the 404 page.
 */
export async function orForbidden<T>(work: Promise<T>): Promise<T | { forbidden: string }> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") return { forbidden: error.message };
    if (error instanceof AppError && error.code === "not_found") notFound();
    await redirectOnOutage(error);
    throw error;
  }
}

/** A page's query: not found and forbidden are the 404 page (nothing said about what exists); an outage is the outage page. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof AppError && (error.code === "not_found" || error.code === "forbidden")) notFound();
    await redirectOnOutage(error);
    throw error;
  }
}
