// `tsx scripts/gate-fuzz.ts [--runs N] [--seed S]`: the gate against the model of
// docs/templates.md (tests/model/gate-model.ts) on many random release scenarios. Every
// disagreement is a false open (gate open, model closed), a false close (gate closed, model open)
// or another mismatch (overridden, or the set of blocking items). Prints one summary line and up to
// five shrunk counterexamples; exits 1 on any false open or false close.
import fc from "fast-check";
import { compare, describeComparison, type Verdict } from "@/tests/model/compare";
import { minimize } from "@/tests/model/minimize";
import { describeScenario, scenarioArb } from "@/tests/model/scenarios";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
}

function integerFlag(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${text}"`);
  return n;
}

const MAX_EXAMPLES = 5;

function main(): number {
  const runs = integerFlag(flag("--runs"), 100_000, "--runs");
  const seed = integerFlag(flag("--seed"), Date.now() % 2 ** 31, "--seed");
  console.log(`gate fuzz: seed ${seed} (repeat with --seed ${seed} --runs ${runs})`);

  const counts: Record<Verdict, number> = { agree: 0, "false open": 0, "false close": 0, "other mismatch": 0 };
  const firstRunOf = new Map<Verdict, number[]>();
  let run = 0;
  fc.check(
    fc.property(scenarioArb, (scenario) => {
      const { verdict } = compare(scenario);
      counts[verdict] += 1;
      if (verdict !== "agree") {
        const list = firstRunOf.get(verdict) ?? [];
        if (list.length < MAX_EXAMPLES) list.push(run);
        firstRunOf.set(verdict, list);
      }
      run += 1;
      return true;
    }),
    { numRuns: runs, seed },
  );

  const f = counts["false open"];
  const c = counts["false close"];
  const m = counts["other mismatch"];
  console.log(`${runs} scenarios, ${f} false opens, ${c} false closes${m ? `, ${m} other mismatches` : ""}`);

  // Up to five examples, spread over the kinds found (false opens first); each is replayed from its
  // run shrunk and minimised while it keeps the same kind of disagreement.
  const chosen: { verdict: Verdict; run: number }[] = [];
  for (let round = 0; chosen.length < MAX_EXAMPLES && round < MAX_EXAMPLES; round++) {
    for (const verdict of ["false open", "false close", "other mismatch"] as const) {
      const r = (firstRunOf.get(verdict) ?? [])[round];
      if (r !== undefined && chosen.length < MAX_EXAMPLES) chosen.push({ verdict, run: r });
    }
  }
  chosen.forEach(({ verdict, run: r }, n) => {
    const details = fc.check(
      fc.property(scenarioArb, (scenario) => compare(scenario).verdict !== verdict),
      { seed, path: String(r), numRuns: 1 },
    );
    const shrunk = details.counterexample?.[0];
    if (shrunk === undefined) return;
    const example = minimize(shrunk, verdict);
    console.log(`\nexample ${n + 1} (${verdict}, run ${r}):\n${describeScenario(example)}\n${describeComparison(compare(example))}`);
  });
  return f > 0 || c > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`[gate-fuzz] ${(error as Error).message}`);
  process.exitCode = 2;
}
