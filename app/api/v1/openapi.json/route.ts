// The API described as OpenAPI 3.1, generated from the zod schemas the handlers and tests use.
import { openApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(openApiDocument());
}
