// Writes the arith splits as JSONL for the model zoo's Python training code (models/data/).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { arithSplit, type Split } from "../src/index.js";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../../../models/data");
const perDifficulty: Record<Split, number> = {
  train: Number(process.env.TRAIN_PER_STEP ?? 20000),
  calibration: 250,
  test: 250,
};
mkdirSync(out, { recursive: true });
for (const split of ["train", "calibration", "test"] as const) {
  const rows: string[] = [];
  for (let steps = 1; steps <= 8; steps++) {
    for (const p of arithSplit(split, { steps, count: perDifficulty[split] })) rows.push(JSON.stringify(p));
  }
  writeFileSync(`${out}/arith-${split}.jsonl`, rows.join("\n") + "\n");
  console.log(`${split}: ${rows.length} problems -> models/data/arith-${split}.jsonl`);
}
