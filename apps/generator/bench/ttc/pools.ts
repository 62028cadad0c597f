// The sample pools bench:ttc and the calibration read for a split: the job's default temperature's, with those drawn
// at the menu's other temperatures merged in, every sample scored by the ORM and the PRM (each pool cached apart).
import { type Pool, type PoolDeps, loadOrBuildPool, withPrmScores, withTemperatures } from "./pool.js";
import { OTHER_TEMPERATURES, SAMPLING, poolFile, poolMeta, prmFile } from "./settings.js";

export async function splitPools(
  split: Pool["meta"]["split"], perStep: number, k: number, names: Record<string, string>, deps: PoolDeps,
): Promise<{ pool: Pool; byTemperature: Map<number, Pool> }> {
  const byTemperature = new Map<number, Pool>();
  for (const t of [SAMPLING.temperature, ...OTHER_TEMPERATURES]) {
    const meta = poolMeta(split, perStep, k, names, t);
    byTemperature.set(t, await withPrmScores(await loadOrBuildPool(poolFile(meta), meta, deps), prmFile(meta), names.prm!, deps));
  }
  const own = byTemperature.get(SAMPLING.temperature)!;
  return { pool: withTemperatures(own, OTHER_TEMPERATURES.map((t) => byTemperature.get(t)!)), byTemperature };
}
