// Requests `api()` can't express: byte bodies, streamed (chunked) bodies, no Content-Type at all.
import { baseUrl, type ApiResponse } from "./http";

export async function send<T = any>(
  path: string,
  init: { method?: string; token?: string; headers?: Record<string, string>; body?: string | Uint8Array | ReadableStream<Uint8Array> },
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const streamed = init.body instanceof ReadableStream;
  const response = await fetch(`${baseUrl()}${path}`, {
    method: init.method ?? "POST",
    headers,
    body: init.body as BodyInit | undefined,
    redirect: "manual",
    ...(streamed ? { duplex: "half" } : {}),
  } as RequestInit);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the caller's shape checks fail.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** A body streamed in chunks without a Content-Length, so only the server's running count can stop it. */
export function chunkedBody(text: string, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}
