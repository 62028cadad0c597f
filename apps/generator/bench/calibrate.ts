// `pnpm calibrate`: fits the compute-optimal policy table on the calibration split and writes the versioned artifact
// models/planner/policy-table.json (the generator stores it in the database at start; `strategy: "auto"` uses it).
// The menu holds revisions, replayed from the calibration problems' revision pool (drawn once by the revision policy),
// and the sampling strategies at other temperatures, replayed from pools drawn there.
// Flags: --per-step 100 (problems per difficulty), --k 40 (pool samples per problem), --threads 2, --out FILE.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CALIBRATION, calibrate } from "./ttc/calibrate.js";
import { splitPools } from "./ttc/pools.js";
import { revisionPools } from "./ttc/revision-pool.js";
import { SAMPLING, TABLE_FILE } from "./ttc/settings.js";
import { startTtcStack } from "./ttc/stack.js";

const { values: flags } = parseArgs({
  options: {
    "per-step": { type: "string", default: "100" },
    k: { type: "string", default: "40" },
    threads: { type: "string", default: "2" },
    out: { type: "string", default: TABLE_FILE },
  },
});
const stack = await startTtcStack(Number(flags.threads), { reviser: true });
try {
  const perStep = Number(flags["per-step"]);
  const deps = { ...stack, log: (l: string) => console.error(l) };
  const { pool } = await splitPools("calibration", perStep, Number(flags.k), stack.names, deps);
  const revisions = await revisionPools("calibration", perStep, stack.names, { ...deps, reviser: stack.reviser! });
  const { table, binSizes } = await calibrate(pool, stack.models, { ...DEFAULT_CALIBRATION, ...SAMPLING }, stack.names, revisions);
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`policy table ${table.version} -> ${flags.out} (questions per bin: ${binSizes.join(", ")})`);
  for (const [bin, row] of table.policy.entries()) console.log(`bin ${bin}: ${row.map((e) => JSON.stringify(e)).join(" | ")}`);
} finally {
  await stack.close();
}
