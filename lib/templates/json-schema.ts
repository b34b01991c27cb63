// The template format as JSON Schema, for editors (yaml-language-server) and API clients.
import { z } from "zod";
import { templateSchema } from "./schema";

export function templateJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(templateSchema, { io: "input", unrepresentable: "any" }),
    title: "Shipcheck checklist template",
  };
}
