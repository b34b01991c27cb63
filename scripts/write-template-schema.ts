// Regenerates docs/template.schema.json from the zod model (a unit test checks they agree).
import { writeFile } from "node:fs/promises";
import { templateJsonSchema } from "@/lib/templates/json-schema";

await writeFile("docs/template.schema.json", `${JSON.stringify(templateJsonSchema(), null, 2)}\n`);
console.log("wrote docs/template.schema.json");
