import { authenticate } from "@/lib/auth/request";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { readSignOffBody } from "@/lib/http/sign-off-body";
import { signOffItem } from "@/lib/server/sign-off-item";
import { signOffInputSchema } from "@/lib/validation/signoff";

/** JSON, or multipart/form-data with the same fields plus an evidence `file` (PNG, JPEG, PDF, HAR, JSON; 10 MB). */
export const POST = apiRoute<{ project: string; version: string; itemKey: string }>(
  async (request, { project, version, itemKey }, meta) => {
    const principal = await authenticate(request);
    const { fields, file } = await readSignOffBody(request);
    const input = signOffInputSchema.parse(fields);
    return json(await signOffItem({ principal, ...meta }, project, version, itemKey, input, file), 201);
  },
);
