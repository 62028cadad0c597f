// POST /v1/score: one score per candidate solution (outcome), from any served verifier, plus exact answer checks.
import type { Handler } from "hono";
import { answersEqual, extractAnswer } from "@thinktime/core";
import { aggregate } from "../aggregate.js";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";
import { ScoreRequest, type ExactCheck, type ScoreResponse } from "../schema.js";
import { DEFAULT_STEP_DELIMITER } from "../steps.js";
import { parseBody } from "./parse-body.js";

export const postScore: Handler<AppEnv> = async (c) => {
  const { items, model = "orm", aggregation, step_delimiter = DEFAULT_STEP_DELIMITER } = await parseBody(c, ScoreRequest, "/v1/score");
  c.set("model", model);
  const verifier = c.var.services.verifiers.get(model);

  let body: ScoreResponse;
  if (verifier.kind === "outcome") {
    if (aggregation !== undefined && aggregation !== "last") {
      throw new ApiError("invalid_request", `${model} scores whole solutions; aggregation "${aggregation}" applies to process models`, {
        errors: [{ path: "aggregation", message: "only process models aggregate step scores" }],
      });
    }
    const { scores, usage } = await verifier.scoreOutcomes(items);
    body = { model, scores, usage };
  } else {
    const how = aggregation ?? verifier.defaultAggregation;
    const { steps, usage } = await verifier.scoreSteps(items, step_delimiter);
    body = { model, aggregation: how, scores: steps.map((s) => aggregate(s, how)), usage };
  }
  if (items.some((it) => it.reference_answer !== undefined)) {
    body.exact = items.map((it): ExactCheck | null => {
      if (it.reference_answer === undefined) return null;
      const answer = extractAnswer(it.solution);
      return { answer, correct: answersEqual(answer, it.reference_answer) };
    });
  }
  return c.json(body);
};
