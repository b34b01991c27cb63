export { adviseRollback, evaluateGate, evaluateItem, latestResults, UnknownEnvironmentError } from "./evaluate";
export { patternMatches } from "./match";
export { roleAtLeast } from "./roles";
export type * from "./types";
export { summarizeGate, type GateSummary } from "./summary";
