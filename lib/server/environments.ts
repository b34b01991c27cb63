import { AppError } from "@/lib/errors";

/** An environment named in a request must be one of the project's. */
export function assertEnvironment(project: { slug: string; environments: { name: string }[] }, environment: string) {
  const names = project.environments.map((e) => e.name);
  if (!names.includes(environment)) {
    throw new AppError("validation_failed", `unknown environment "${environment}"; project "${project.slug}" has ${names.join(", ")}`, [
      { path: "environment", message: `must be one of ${names.join(", ")}` },
    ]);
  }
}
