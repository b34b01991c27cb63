import { authenticate } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { readText } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { getTemplate } from "@/lib/server/get-templates";
import { saveTemplate } from "@/lib/server/save-template";
import { MAX_TEMPLATE_BYTES } from "@/lib/templates/parse";

const TEMPLATE_TYPES = /^(application\/(json|yaml|x-yaml)|text\/(yaml|x-yaml|plain))\b/i;

export const GET = apiRoute<{ project: string; name: string }>(async (request, { project, name }, meta) => {
  const principal = await authenticate(request);
  return json(await getTemplate({ principal, ...meta }, project, name));
});

/** YAML or JSON (JSON is YAML); a new version only when the meaning changed. */
export const PUT = apiRoute<{ project: string; name: string }>(async (request, { project, name }, meta) => {
  const principal = await authenticate(request);
  const type = request.headers.get("content-type") ?? "";
  if (!TEMPLATE_TYPES.test(type)) {
    throw new AppError("unsupported_media_type", `send the template as application/yaml or application/json, not "${type || "nothing"}"`);
  }
  const source = await readText(request, MAX_TEMPLATE_BYTES);
  if (!source.trim()) throw new AppError("bad_request", "the request body is empty; send the template's YAML or JSON");
  const saved = await saveTemplate({ principal, ...meta }, project, source, name);
  return json(saved, saved.created ? 201 : 200);
});
