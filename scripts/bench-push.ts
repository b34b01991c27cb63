// `npx tsx scripts/bench-push.ts`: push latency across instances on a fresh database: two app
// instances behind haproxy, 50 event streams through it plus a Chromium page pinned to instance
// B, 30 results posted to instance A. Ports BENCH_PUSH_PORT (default 3420) to +2; stream and post
// counts BENCH_PUSH_STREAMS and BENCH_PUSH_POSTS. See scripts/lib/bench-push.ts to call it from
// another benchmark.
import { formatPushResult, runPushBench } from "./lib/bench-push";

const say = (msg: string) => console.log(`[bench-push] ${msg}`);

async function main() {
  const result = await runPushBench({
    root: process.cwd(),
    basePort: Number(process.env.BENCH_PUSH_PORT ?? 3420),
    streams: Number(process.env.BENCH_PUSH_STREAMS ?? 50),
    posts: Number(process.env.BENCH_PUSH_POSTS ?? 30),
    say,
  });
  console.log(`\nShipcheck push latency (app instances, haproxy, PostgreSQL, Chromium and client on one machine)\n\n${formatPushResult(result)}`);
  if (result.banner.p95 > 300) {
    console.error("[bench-push] the banner's p95 is above the 300 ms target");
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  console.error(`[bench-push] ${error.message}`);
  process.exit(1);
});
