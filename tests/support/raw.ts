// Requests `api()` can't express: byte bodies, streamed (chunked) bodies, huge bodies.
// Each goes over its own connection (node:http, no agent), so a server that answers early and
// drops the socket (413 before reading an oversized body) can't break the pooled connections
// later `fetch` calls reuse.
import { request as httpRequest } from "node:http";
import { baseUrl, type ApiResponse } from "./http";

type SendInit = { method?: string; token?: string; headers?: Record<string, string>; body?: string | Uint8Array; chunked?: boolean };

/**
 * A server that refuses an oversized upload answers and closes while the body is still going out.
 * Usually the answer is read first; when the closed socket wins the race (EPIPE, ECONNRESET before
 * the status line was parsed), the request is sent again, as a client would: the answer must be
 * the same each time, and whatever the test checks about stored data still holds.
 */
const RETRIED = new Set(["EPIPE", "ECONNRESET"]);

export async function send<T = unknown>(path: string, init: SendInit): Promise<ApiResponse<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce<T>(path, init);
    } catch (error) {
      if (attempt >= 4 || !RETRIED.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    }
  }
}

async function sendOnce<T>(path: string, init: SendInit): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const body = typeof init.body === "string" ? Buffer.from(init.body) : init.body ? Buffer.from(init.body) : undefined;
  if (body && !init.chunked) headers["content-length"] = String(body.length);
  if (init.chunked) headers["transfer-encoding"] = "chunked";

  const { status, text, responseHeaders } = await new Promise<{ status: number; text: string; responseHeaders: Headers }>((resolve, reject) => {
    let answered = false;
    const req = httpRequest(new URL(path, baseUrl()), { method: init.method ?? "POST", headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : v);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), responseHeaders: h });
      });
      res.on("error", reject);
    });
    // Once the answer is in, a write error (the server closed its end mid-upload) is expected.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    if (!body) return void req.end();
    const step = 256 * 1024;
    let offset = 0;
    const pump = () => {
      while (offset < body.length && !req.destroyed) {
        const ok = req.write(body.subarray(offset, offset + step));
        offset += step;
        if (!ok) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the caller's shape checks fail.
  }
  return { status, body: parsed as T, headers: responseHeaders };
}
