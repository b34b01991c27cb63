// apiRoute: a client that goes away mid-upload is one info line, not a 500 with a stack.
import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "@/lib/log";
import { readJson } from "./body";
import { apiRoute } from "./route";

afterEach(() => vi.restoreAllMocks());

/** A POST whose body stream fails the way Node's does when the client disconnects mid-upload. */
function abortedUpload(signalAborted: boolean): Request {
  const controller = new AbortController();
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      stream.enqueue(new TextEncoder().encode('{"results":['));
      setTimeout(() => {
        if (signalAborted) controller.abort();
        stream.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
      }, 5);
    },
  });
  return new Request("http://localhost/api/v1/things", { method: "POST", body, signal: controller.signal, duplex: "half", headers: { "content-type": "application/json" } } as RequestInit);
}

describe("apiRoute and client aborts", () => {
  it.each([true, false])("logs an aborted upload as one info line without a stack (signal aborted: %s)", async (signalAborted) => {
    const error = vi.spyOn(log(), "error").mockImplementation(() => undefined);
    const info = vi.spyOn(log(), "info").mockImplementation(() => undefined);
    const handler = apiRoute(async (request) => Response.json(await readJson(request)));
    const response = await handler(abortedUpload(signalAborted), { params: Promise.resolve({}) });
    expect(response.status).not.toBe(500);
    expect(error).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledTimes(1);
    // One line: the fields, then the message; no error object, so no stack.
    const [fields, message] = info.mock.calls[0] as unknown as [Record<string, unknown>, string];
    expect(message).toMatch(/client closed the request/);
    expect(Object.keys(fields).sort()).toEqual(["method", "path", "requestId"]);
  });

  it("still answers 500 for a real bug", async () => {
    const error = vi.spyOn(log(), "error").mockImplementation(() => undefined);
    const handler = apiRoute(async () => {
      throw new TypeError("x is undefined");
    });
    const response = await handler(new Request("http://localhost/api/x"), { params: Promise.resolve({}) });
    expect(response.status).toBe(500);
    expect(error).toHaveBeenCalledTimes(1);
  });
});
