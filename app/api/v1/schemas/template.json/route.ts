import { templateJsonSchema } from "@/lib/templates/json-schema";

export const dynamic = "force-static";

export function GET(): Response {
  return Response.json(templateJsonSchema(), { headers: { "content-type": "application/schema+json" } });
}
