import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { signOffItem } from "@/lib/server/sign-off-item";
import { signOffInputSchema } from "@/lib/validation/signoff";

export const POST = apiRoute<{ project: string; version: string; itemKey: string }>(
  async (request, { project, version, itemKey }, meta) => {
    const principal = await authenticate(request);
    const input = signOffInputSchema.parse(await readJson(request, 64 * 1024));
    return json(await signOffItem({ principal, ...meta }, project, version, itemKey, input), 201);
  },
);
