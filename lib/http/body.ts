// Reads a request body with a hard size limit, so an oversized upload is refused before it is buffered.
import { AppError } from "@/lib/errors";

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;

/** The body's bytes, refused with 413 as soon as it passes `limit` (declared or actually sent). */
export async function readBytes(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function readText(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const bytes = await readBytes(request, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request", "the request body is not valid UTF-8");
  }
}

/** The body's text as received and its parsed JSON value (for raw-payload keeping and hashing). */
export async function readJsonText(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<{ text: string; value: unknown }> {
  const type = request.headers.get("content-type") ?? "";
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", `expected Content-Type application/json, got "${type}"`);
  }
  const text = await readText(request, limit);
  if (text.trim() === "") throw new AppError("bad_request", "the request body is empty; send a JSON document");
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw new AppError("bad_request", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJson(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  return (await readJsonText(request, limit)).value;
}

function tooLarge(limit: number) {
  return new AppError("payload_too_large", `the request body is larger than ${limit} bytes`);
}
