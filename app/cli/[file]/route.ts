// GET /cli/shipcheck.mjs and /cli/shipcheck-<version>.mjs: the CLI for CI, one file that runs
// with `node` and nothing installed. No credentials: it is the same code as the public package.
import { AppError } from "@/lib/errors";
import { cliFileKind, CLI_VERSION, readCliBundle } from "@/lib/cli-bundle";
import { matchesTag } from "@/lib/http/etag";
import { apiRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ file: string }>(async (request, { file }) => {
  const kind = cliFileKind(file);
  if (kind === "unknown") throw new AppError("not_found", `no file ${file} here: the CLI is /cli/shipcheck.mjs or /cli/shipcheck-${CLI_VERSION}.mjs`);
  if (kind === "other-version") throw new AppError("not_found", `this server has the CLI version ${CLI_VERSION} only: /cli/shipcheck-${CLI_VERSION}.mjs`);
  const bundle = await readCliBundle();
  if (!bundle) throw new AppError("service_unavailable", "the CLI bundle was not built on this server (npm run build)");
  // The current one is asked again every time (it changes with an upgrade); a version never changes.
  const cacheControl = kind === "pinned" ? "public, max-age=31536000, immutable" : "public, no-cache";
  const headers = { etag: bundle.etag, "cache-control": cacheControl, "x-shipcheck-cli-version": CLI_VERSION };
  if (matchesTag(request.headers.get("if-none-match"), bundle.etag)) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(bundle.body), { headers: { ...headers, "content-type": "text/javascript; charset=utf-8" } });
});
