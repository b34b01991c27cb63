// The package's version: what --version prints and which /cli/shipcheck-<version>.mjs this is.
import cliPackage from "../package.json" with { type: "json" };

export const CLI_VERSION: string = cliPackage.version;
