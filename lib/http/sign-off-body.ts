// A sign-off request's body: JSON (`{"environment", "comment", "evidenceUrl", "expectedVersion"}`)
// or multipart/form-data with the same fields plus an evidence `file`. The file's bytes are only
// read here; what they are is decided by lib/evidence from their content.
import { AppError } from "@/lib/errors";
import { MAX_EVIDENCE_BYTES } from "@/lib/evidence/sniff";
import { readBytes, readJson } from "./body";

export type UploadedFile = { name: string; bytes: Uint8Array };

/** Room for the form's text fields and multipart boundaries around a file of the largest size. */
const MULTIPART_LIMIT = MAX_EVIDENCE_BYTES + 64 * 1024;

const TEXT_FIELDS = new Set(["environment", "comment", "evidenceUrl", "expectedVersion"]);

export async function readSignOffBody(request: Request): Promise<{ fields: unknown; file: UploadedFile | null }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) return { fields: await readJson(request, 64 * 1024), file: null };

  const bytes = await readBytes(request, MULTIPART_LIMIT);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes), { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("bad_request", "the multipart/form-data body cannot be read");
  }
  const fields: Record<string, unknown> = {};
  let file: UploadedFile | null = null;
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    if (values.length > 1) throw new AppError("validation_failed", `the field "${name}" is sent more than once`, [{ path: name, message: "sent more than once" }]);
    const value = values[0]!;
    if (name === "file") {
      if (typeof value === "string") throw new AppError("validation_failed", "`file` must be a file upload", [{ path: "file", message: "not a file" }]);
      // A form with no file chosen still sends an empty, unnamed part.
      if (value.size === 0 && !value.name) continue;
      if (value.size > MAX_EVIDENCE_BYTES) throw new AppError("payload_too_large", `evidence files are at most ${MAX_EVIDENCE_BYTES / (1024 * 1024)} MB`);
      file = { name: value.name || "evidence", bytes: new Uint8Array(await value.arrayBuffer()) };
      continue;
    }
    if (typeof value !== "string") throw new AppError("validation_failed", `the field "${name}" must be text`, [{ path: name, message: "must be text, not a file" }]);
    if (!TEXT_FIELDS.has(name)) {
      fields[name] = value; // refused by the strict schema, with its name in the details
    } else if (name === "expectedVersion") {
      if (value.trim() !== "") fields[name] = /^\d{1,10}$/.test(value.trim()) ? Number(value.trim()) : value;
    } else {
      fields[name] = value;
    }
  }
  return { fields, file };
}
