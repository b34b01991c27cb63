import { authenticate } from "@/lib/auth/request";
import { apiRoute } from "@/lib/http/route";
import { eventStreamResponse } from "@/lib/realtime/event-stream";
import { watchRelease } from "@/lib/server/watch-release";

export const dynamic = "force-dynamic";

/** Server-sent events: `change` whenever what the release page shows changed (then GET the release). */
export const GET = apiRoute<{ project: string; version: string }>(async (request, { project, version }, meta) => {
  const principal = await authenticate(request);
  const interest = await watchRelease({ principal, ...meta }, project, version);
  return eventStreamResponse(interest, request.signal);
});
