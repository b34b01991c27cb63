import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { attachmentDisposition, checkEvidenceFile, MAX_EVIDENCE_BYTES, safeFilename } from "./sniff";

const bytes = (...parts: (number[] | string)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function refused(data: Uint8Array, name: string): AppError {
  try {
    checkEvidenceFile(data, name);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`${name} was accepted`);
}

describe("evidence files are judged by content", () => {
  it("recognises PNG, JPEG, PDF, HAR and JSON", () => {
    expect(checkEvidenceFile(bytes(PNG, "rest"), "shot.png")).toEqual({ kind: "png", contentType: "image/png", filename: "shot.png" });
    expect(checkEvidenceFile(bytes([0xff, 0xd8, 0xff, 0xe0], "jfif"), "photo.JPG")).toMatchObject({ kind: "jpeg", contentType: "image/jpeg", filename: "photo.JPG" });
    expect(checkEvidenceFile(bytes("%PDF-1.7\n..."), "report.pdf")).toMatchObject({ kind: "pdf", contentType: "application/pdf" });
    expect(checkEvidenceFile(bytes('{"log":{"version":"1.2","entries":[]}}'), "staging.har")).toMatchObject({ kind: "har", contentType: "application/json", filename: "staging.har" });
    expect(checkEvidenceFile(bytes("\ufeff[1, 2]"), "data.json")).toMatchObject({ kind: "json", contentType: "application/json" });
  });

  it("refuses HTML, SVG and executables whatever they are called (415)", () => {
    for (const [content, name] of [
      ["<html><script>alert(1)</script></html>", "shot.png"],
      ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "badge.png"],
      [bytes("MZ\x90\x00", [0, 0, 0]), "setup.png"],
      ["\x7fELF", "tool.pdf"],
      ["GIF89a", "anim.gif"],
      ['"just a string"', "x.json"],
    ] as const) {
      expect(refused(typeof content === "string" ? bytes(content) : content, name).status, name).toBe(415);
    }
  });

  it("a .har without log.entries is 422; an empty file 422; over 10 MB 413", () => {
    expect(refused(bytes('{"log":{}}'), "capture.har").status).toBe(422);
    expect(refused(new Uint8Array(0), "empty.png").status).toBe(422);
    const big = new Uint8Array(MAX_EVIDENCE_BYTES + 1);
    big.set(PNG);
    expect(refused(big, "huge.png").status).toBe(413);
  });
});

describe("file names", () => {
  it("drop directories, control and quoting characters, and gain the real type's extension", () => {
    expect(safeFilename("../../etc/passwd", "png")).toBe("passwd.png");
    expect(safeFilename("C:\\Users\\me\\shot.png", "png")).toBe("shot.png");
    expect(safeFilename('a"b\r\nc;d.png', "png")).toBe("a_b__c_d.png");
    expect(safeFilename("page.html", "png")).toBe("page.html.png");
    expect(safeFilename("", "pdf")).toBe("evidence.pdf");
    expect(safeFilename(".hidden", "json")).toBe("hidden.json");
    expect(safeFilename("x".repeat(400), "jpeg")).toHaveLength(154);
  });

  it("Content-Disposition is an attachment with an ASCII name and the UTF-8 one", () => {
    expect(attachmentDisposition("shot.png")).toBe(`attachment; filename="shot.png"; filename*=UTF-8''shot.png`);
    expect(attachmentDisposition("café (1).png")).toBe(`attachment; filename="caf_ (1).png"; filename*=UTF-8''caf%C3%A9%20%281%29.png`);
  });
});
