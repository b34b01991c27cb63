import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { listTemplates } from "@/lib/server/get-templates";

export const GET = apiRoute<{ project: string }>(async (request, { project }, meta) => {
  const principal = await authenticate(request);
  return json({ templates: await listTemplates({ principal, ...meta }, project) });
});
