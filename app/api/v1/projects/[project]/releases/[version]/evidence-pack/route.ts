import { authenticate } from "@/lib/auth/request";
import { apiRoute } from "@/lib/http/route";
import { evidencePackFilename, exportEvidencePack } from "@/lib/server/export-evidence-pack";

// A download, not a live view: indented for people who open it, named for the folder it lands in.
export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const pack = await exportEvidencePack({ principal, ...meta }, project, version);
  return new Response(`${JSON.stringify(pack, null, 2)}\n`, {
    status: 200,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${evidencePackFilename(pack.project.slug, pack.release.version)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
