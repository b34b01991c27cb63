import { authenticate } from "@/lib/auth/request";
import { readJson } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { revokeSignOff } from "@/lib/server/revoke-sign-off";
import { revokeSignOffInputSchema } from "@/lib/validation/signoff";

export const POST = apiRoute<{ project: string; version: string; signOffId: string }>(
  async (request, { project, version, signOffId }, meta) => {
    const principal = await authenticate(request);
    const input = revokeSignOffInputSchema.parse(await readJson(request, 64 * 1024));
    return json(await revokeSignOff({ principal, ...meta }, project, version, signOffId, input), 200);
  },
);
