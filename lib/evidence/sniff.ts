// What an uploaded evidence file really is, decided by its bytes, never by the client's
// Content-Type or file name: PNG, JPEG, PDF, HAR or JSON. Anything else is refused.
import { AppError } from "@/lib/errors";

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

export type EvidenceKind = "png" | "jpeg" | "pdf" | "har" | "json";

export type CheckedEvidence = { kind: EvidenceKind; contentType: string; filename: string };

const CONTENT_TYPE: Record<EvidenceKind, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  pdf: "application/pdf",
  // A HAR is JSON: served as JSON, never as anything a browser would render as a page.
  har: "application/json",
  json: "application/json",
};

/** File-name extensions that match each kind; the first is added when the name has none of them. */
const EXTENSIONS: Record<EvidenceKind, string[]> = {
  png: [".png"],
  jpeg: [".jpg", ".jpeg"],
  pdf: [".pdf"],
  har: [".har"],
  json: [".json"],
};

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

const startsWith = (bytes: Uint8Array, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

const ACCEPTED = "PNG, JPEG, PDF, HAR or JSON";

/** JSON text (UTF-8, BOM allowed) holding an object or array, or null. */
function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const isHar = (value: unknown) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Array.isArray((value as { log?: { entries?: unknown } }).log?.entries);

/**
 * A file name safe to store and to put in a Content-Disposition header: no directories, no control
 * or quoting characters, at most 150 characters, and an extension matching what the file is (so a
 * PNG uploaded as `page.html` is saved by browsers as `page.html.png`, never opened as a page).
 */
export function safeFilename(name: string, kind: EvidenceKind): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  let clean = base
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f-\u009f"\\;*?<>|:`$]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "");
  if (clean.length > 150) clean = clean.slice(0, 150);
  if (!clean) clean = "evidence";
  const extensions = EXTENSIONS[kind];
  return extensions.some((ext) => clean.toLowerCase().endsWith(ext)) ? clean : `${clean}${extensions[0]}`;
}

/** The kind of file, by content; throws 413, 415 or 422 (nothing is stored). */
export function checkEvidenceFile(bytes: Uint8Array, name: string): CheckedEvidence {
  if (bytes.length > MAX_EVIDENCE_BYTES) {
    throw new AppError("payload_too_large", `evidence files are at most ${MAX_EVIDENCE_BYTES / (1024 * 1024)} MB; this one is ${(bytes.length / (1024 * 1024)).toFixed(1)} MB`);
  }
  if (bytes.length === 0) throw new AppError("validation_failed", "the evidence file is empty", [{ path: "file", message: "empty file" }]);
  let kind: EvidenceKind | null = null;
  if (startsWith(bytes, PNG)) kind = "png";
  else if (startsWith(bytes, JPEG)) kind = "jpeg";
  else if (startsWith(bytes, PDF)) kind = "pdf";
  else {
    const value = parseJson(bytes);
    if (value !== null) kind = isHar(value) ? "har" : "json";
  }
  if (!kind) {
    throw new AppError("unsupported_media_type", `evidence files must be ${ACCEPTED}; the content of "${name.slice(0, 100)}" is none of these`, [
      { path: "file", message: `not ${ACCEPTED} (judged by content, not by name or Content-Type)` },
    ]);
  }
  if (kind === "json" && /\.har$/i.test(name)) {
    throw new AppError("validation_failed", `"${name.slice(0, 100)}" is JSON but not a HAR file: it has no log.entries`, [{ path: "file", message: "a HAR file needs log.entries" }]);
  }
  return { kind, contentType: CONTENT_TYPE[kind], filename: safeFilename(name, kind) };
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
