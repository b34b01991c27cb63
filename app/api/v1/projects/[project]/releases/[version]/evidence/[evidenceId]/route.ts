import { authenticate } from "@/lib/auth/request";
import { attachmentDisposition } from "@/lib/evidence/sniff";
import { apiRoute } from "@/lib/http/route";
import { getEvidence } from "@/lib/server/get-evidence";

/**
 * An evidence file, only ever as a download: the type it was checked to be, never sniffed, never
 * rendered as a page (a sandboxing CSP in case a browser tries anyway).
 */
export const GET = apiRoute<{ project: string; version: string; evidenceId: string }>(async (request, { project, version, evidenceId }, meta) => {
  const principal = await authenticate(request);
  const evidence = await getEvidence({ principal, ...meta }, project, version, evidenceId);
  return new Response(new Uint8Array(evidence.data), {
    status: 200,
    headers: {
      "content-type": evidence.contentType,
      "content-length": String(evidence.size),
      "content-disposition": attachmentDisposition(evidence.filename),
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "private, no-store",
      "x-evidence-sha256": evidence.sha256,
    },
  });
});
