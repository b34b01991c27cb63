import { authenticate } from "@/lib/auth/request";
import { AppError } from "@/lib/errors";
import { readText } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { importTemplate } from "@/lib/server/import-template";
import { MAX_MARKDOWN_BYTES } from "@/lib/templates/markdown-import";

/** Markdown in, the parsed template out for review; `?save=1` also saves it as a new version. */
export const POST = apiRoute<{ project: string; name: string }>(async (request, { project, name }, meta) => {
  const principal = await authenticate(request);
  const type = request.headers.get("content-type") ?? "";
  if (!/^(text\/(markdown|x-markdown|plain))\b/i.test(type)) {
    throw new AppError("unsupported_media_type", `send the checklist as text/markdown, not "${type || "nothing"}"`);
  }
  const markdown = await readText(request, MAX_MARKDOWN_BYTES);
  const save = ["1", "true"].includes(new URL(request.url).searchParams.get("save") ?? "");
  // The preview's renderings are for the import page; the API answers with the template itself.
  const { template, warnings, itemNotes, repairs, repairedTitles, yaml, saved } = await importTemplate({ principal, ...meta }, project, name, markdown, { save });
  return json({ template, warnings, itemNotes, repairs, repairedTitles, yaml, saved }, saved?.created ? 201 : 200);
});
