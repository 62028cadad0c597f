// POST /v1/score-steps: a score per step of each (partial) solution from a process verifier, and their aggregate.
import type { Handler } from "hono";
import { aggregate } from "../aggregate.js";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";
import { ScoreStepsRequest, type ScoreStepsResponse } from "../schema.js";
import { DEFAULT_STEP_DELIMITER } from "../steps.js";
import { parseBody } from "./parse-body.js";

export const postScoreSteps: Handler<AppEnv> = async (c) => {
  const { items, model = "prm", aggregation, step_delimiter = DEFAULT_STEP_DELIMITER } = await parseBody(c, ScoreStepsRequest, "/v1/score-steps");
  c.set("model", model);
  const verifier = c.var.services.verifiers.get(model);
  if (verifier.kind !== "process") {
    const process = c.var.services.verifiers.status().models.filter((m) => m.kind === "process").map((m) => m.name);
    throw new ApiError("not_a_process_model", `${model} scores whole solutions, not steps; process models: ${process.join(", ")}`);
  }
  const how = aggregation ?? verifier.defaultAggregation;
  const { steps, usage } = await verifier.scoreSteps(items, step_delimiter);
  const body: ScoreStepsResponse = {
    model,
    aggregation: how,
    step_delimiter,
    step_scores: steps,
    scores: steps.map((s) => aggregate(s, how)),
    usage,
  };
  return c.json(body);
};
