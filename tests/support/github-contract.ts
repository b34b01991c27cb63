// Every request Shipcheck sends to GitHub, checked against GitHub's published OpenAPI description
// (@octokit/openapi, api.github.com): the operation for the method and path must exist, its path
// parameters must match their schemas, and a JSON body must match the operation's requestBody.
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { createRequire } from "node:module";

// The description is 13 MB of JSON; read once per test file.
const spec = createRequire(import.meta.url)("@octokit/openapi/generated/api.github.com.json") as GithubSpec;

type SchemaObject = Record<string, unknown>;
type Parameter = { name: string; in: string; required?: boolean; schema?: SchemaObject; $ref?: string };
type Operation = { operationId: string; parameters?: Parameter[]; requestBody?: { required?: boolean; content: Record<string, { schema: SchemaObject }> } };
type GithubSpec = { paths: Record<string, Record<string, Operation>>; components: { parameters: Record<string, Parameter> } & Record<string, unknown> };

export type ContractCheck = { operationId: string | null; problems: string[] };

const SPEC_ID = "https://api.github.com/openapi.json";
// GitHub's description is OpenAPI 3.0 (`nullable`, `example`): read it leniently, check strictly what it says.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: SPEC_ID, components: spec.components });
const coercing = new Ajv({ strict: false, coerceTypes: true });

/** `#/components/...` refs point into the description added above. */
function anchored(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anchored);
  if (schema && typeof schema === "object") {
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${SPEC_ID}${v}` : anchored(v)]));
  }
  return schema;
}

const templates = Object.keys(spec.paths).map((template) => {
  const names: string[] = [];
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { template, names, regex: new RegExp(`^${pattern}$`) };
});

const bodyValidators = new Map<string, ValidateFunction>();

function bodyValidator(operation: Operation, schema: SchemaObject): ValidateFunction {
  let validate = bodyValidators.get(operation.operationId);
  if (!validate) {
    validate = ajv.compile(anchored(schema) as SchemaObject);
    bodyValidators.set(operation.operationId, validate);
  }
  return validate;
}

const parameterOf = (p: Parameter): Parameter => (p.$ref ? spec.components.parameters[p.$ref.split("/").at(-1)!]! : p);

export function checkGithubRequest(method: string, pathname: string, contentType: string | undefined, rawBody: string): ContractCheck {
  const problems: string[] = [];
  const found = templates
    .map((t) => ({ t, match: t.regex.exec(pathname) }))
    .filter((m) => m.match && spec.paths[m.t.template]![method.toLowerCase()])
    // A literal segment beats a parameter (/repos/{owner}/{repo}/statuses/{sha} vs longer templates).
    .sort((a, b) => b.t.template.replace(/\{\w+\}/g, "").length - a.t.template.replace(/\{\w+\}/g, "").length)[0];
  if (!found) return { operationId: null, problems: [`no operation ${method} ${pathname} in GitHub's REST API description`] };
  const operation = spec.paths[found.t.template]![method.toLowerCase()]!;

  const values = Object.fromEntries(found.t.names.map((name, i) => [name, decodeURIComponent(found.match![i + 1]!)]));
  for (const parameter of (operation.parameters ?? []).map(parameterOf).filter((p) => p.in === "path")) {
    const holder = { value: values[parameter.name] };
    const validate = coercing.compile({ type: "object", properties: { value: parameter.schema ?? {} }, required: ["value"] });
    if (!validate(holder)) problems.push(`path parameter ${parameter.name}=${values[parameter.name]}: ${ajv.errorsText(validate.errors)}`);
  }

  const content = operation.requestBody?.content;
  if (rawBody === "") {
    if (operation.requestBody?.required) problems.push(`${operation.operationId} needs a request body`);
  } else if (!content?.["application/json"]) {
    problems.push(`${operation.operationId} takes no JSON body`);
  } else {
    if (!/^application\/json\b/.test(contentType ?? "")) problems.push(`content-type is ${contentType ?? "(none)"}, not application/json`);
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      problems.push("the body is not JSON");
    }
    const validate = bodyValidator(operation, content["application/json"].schema);
    if (body !== undefined && !validate(body)) problems.push(`request body: ${ajv.errorsText(validate.errors)}`);
  }
  return { operationId: operation.operationId, problems };
}
