// Local administration straight against the database: people, projects, API tokens.
import { parseArgs } from "node:util";
import type { ServerContext } from "@/lib/server/context";
import { createApiToken } from "@/lib/server/create-api-token";
import { createProject } from "@/lib/server/create-project";
import { createUser } from "@/lib/server/create-user";
import { ROLES, type RoleName } from "@/lib/templates/schema";
import { TOKEN_PERMISSIONS, type TokenPermission } from "@/lib/auth/tokens";
import { usageError } from "@/packages/cli/src/errors";

const cli: ServerContext = { principal: { kind: "system", label: "cli" } };

const USER_USAGE = "shipcheck user create --email <email> [--name <name>] [--role <role> --project <slug>] [--password <pw>] [--admin]";
const PROJECT_USAGE = "shipcheck project create --slug <slug> --name <name> --environments staging,production";
const TOKEN_USAGE = `shipcheck token create --project <slug> --name <name> [--permissions ${TOKEN_PERMISSIONS.join(",")}] [--expires-days <n>]`;

export async function userCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      project: { type: "string" },
      password: { type: "string" },
      admin: { type: "boolean", default: false },
    },
  });
  if (!values.email) throw usageError("--email is required", USER_USAGE);
  if ((values.role === undefined) !== (values.project === undefined)) throw usageError("--role and --project go together", USER_USAGE);
  if (values.role && !ROLES.includes(values.role as RoleName)) throw usageError(`--role must be one of ${ROLES.join(", ")}`, USER_USAGE);
  const { user, password } = await createUser(cli, {
    email: values.email,
    name: values.name,
    password: values.password,
    isAdmin: values.admin,
    memberships: values.project ? [{ project: values.project, role: values.role as RoleName }] : [],
  });
  console.log(`Created user ${user.email}${values.project ? ` (${values.role} of ${values.project})` : ""}${user.isAdmin ? " (administrator)" : ""}`);
  if (password) console.log(`Password: ${password}\n(shown once; the user can sign in with it now)`);
  return 0;
}

export async function projectCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { slug: { type: "string" }, name: { type: "string" }, environments: { type: "string" } } });
  if (!values.slug || !values.name || !values.environments) throw usageError("--slug, --name and --environments are required", PROJECT_USAGE);
  const environments = values.environments.split(",").map((e) => e.trim()).filter(Boolean);
  const project = await createProject(cli, { slug: values.slug, name: values.name, environments });
  console.log(`Created project ${project.slug} with environments ${environments.join(" → ")}`);
  return 0;
}

export async function tokenCreate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { project: { type: "string" }, name: { type: "string" }, permissions: { type: "string" }, "expires-days": { type: "string" } },
  });
  if (!values.project || !values.name) throw usageError("--project and --name are required", TOKEN_USAGE);
  const permissions = values.permissions?.split(",").map((p) => p.trim()) as TokenPermission[] | undefined;
  const expiresInDays = values["expires-days"] ? Number(values["expires-days"]) : undefined;
  const created = await createApiToken(cli, { project: values.project, name: values.name, permissions, expiresInDays });
  console.error(`Created token "${created.name}" for ${values.project} (${created.permissions.join(", ")})${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ""}.`);
  console.error("It is shown once; store it as a CI secret (SHIPCHECK_TOKEN):");
  // The token alone on stdout, so `TOKEN=$(npx shipcheck token create …)` works.
  console.log(created.token);
  return 0;
}
