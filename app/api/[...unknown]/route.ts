// Any address under /api/ that no route serves: a JSON 404 that says so, whatever the method, in
// place of the HTML page a browser would get. Every real route is more specific than this one.
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const unknown = apiRoute<{ unknown: string[] }>(async (request) => {
  throw new AppError("not_found", `no API at ${request.method} ${new URL(request.url).pathname.slice(0, 200)}; the API is described at /api/v1/openapi.json`);
});

export const GET = unknown;
export const HEAD = unknown;
export const POST = unknown;
export const PUT = unknown;
export const PATCH = unknown;
export const DELETE = unknown;
export const OPTIONS = unknown;
