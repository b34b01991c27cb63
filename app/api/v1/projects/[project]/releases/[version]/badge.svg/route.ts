import { authenticate } from "@/lib/auth/request";
import { badgeMessage, badgeSvg } from "@/lib/badge/svg";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/route";
import { getGate } from "@/lib/server/get-gate";

/** The gate as a small SVG: "gate | open", "gate | blocked (3)", "gate | overridden". Same read permission as the gate. */
export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const environment = new URL(request.url).searchParams.get("environment");
  if (!environment) throw new AppError("bad_request", "add ?environment=<name> to choose the gate the badge shows");
  const { report: gate } = await getGate({ principal, ...meta }, project, version, environment);
  const { message, tone } = badgeMessage(gate);
  const svg = badgeSvg({ label: "gate", message, tone, title: `${gate.release} ${gate.environment} gate: ${message}` });
  return new Response(svg, {
    status: 200,
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
});
