// GET /api/v1/badges/{key}/{release|latest}/{environment}.svg: the gate as a badge anyone may
// load (a README), with the project's public badge key instead of credentials. It shows only the
// gate's state: no reasons, names or counts.
import { badgeSvg } from "@/lib/badge/svg";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/route";
import { publicGateState } from "@/lib/server/public-badge";

export const dynamic = "force-dynamic";

const TONE = { open: "open", closed: "blocked", overridden: "overridden" } as const;

export const GET = apiRoute<{ key: string; release: string; environment: string }>(async (_request, { key, release, environment: file }) => {
  if (!file.endsWith(".svg")) throw new AppError("not_found", "a badge's address ends in <environment>.svg");
  const environment = file.slice(0, -".svg".length);
  const state = await publicGateState(key, release, environment);
  const svg = badgeSvg({ label: `${environment} gate`, message: state, tone: TONE[state], title: `${release} ${environment} gate: ${state}` });
  return new Response(svg, {
    status: 200,
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      // Short: README images are proxied and cached (GitHub's camo honours this).
      "cache-control": "public, max-age=60, must-revalidate",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      "referrer-policy": "no-referrer",
      "x-robots-tag": "noindex",
    },
  });
});
