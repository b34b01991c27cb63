// The API's error contract: `{"error":{"code","message","details"?}}` as JSON, with the right status.
import { expect } from "vitest";
import type { ApiResponse } from "./http";

export type ErrorBody = { error: { code: string; message: string; details?: { path: string; message: string }[] } };

export function expectApiError(response: ApiResponse, status: number, code: string): ErrorBody["error"] {
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { error: { code } } });
  expect(response.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const error = (response.body as ErrorBody).error;
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  expect(Object.keys(response.body as object)).toEqual(["error"]);
  for (const key of Object.keys(error)) expect(["code", "message", "details"]).toContain(key);
  return error;
}

/** The paths named by a 422's details, for `toContain` checks. */
export function detailPaths(error: ErrorBody["error"]): string[] {
  return (error.details ?? []).map((d) => d.path);
}
