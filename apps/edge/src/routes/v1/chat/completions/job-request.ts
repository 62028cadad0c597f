// Turns a chat-completion request into the job POST /v1/jobs would make: model name → strategy, last user message → question.
import { LIMITS, type CreateJobRequest } from "@thinktime/core";
import { ApiError, type FieldError } from "../../../../errors.js";
import { CreateJobBody } from "../../../schemas.js";
import { resolveModel } from "../../models/catalog.js";
import type { ChatCompletionBody } from "./schema.js";

const invalid = (errors: FieldError[]) => new ApiError("validation_failed", "The request is invalid.", errors);

/** The last user message's text; its text parts joined when it has several. */
export function questionOf(messages: ChatCompletionBody["messages"]): string {
  const index = messages.findLastIndex((m) => m.role === "user");
  const content = messages[index]?.content;
  if (index < 0 || content === undefined || content === null) {
    throw invalid([{ path: "body.messages", message: "needs a user message with the question" }]);
  }
  if (typeof content === "string") return content;
  const other = content.findIndex((p) => p.type !== "text" || p.text === undefined);
  if (other >= 0) throw invalid([{ path: `body.messages.${index}.content.${other}`, message: "only text content is supported" }]);
  return content.map((p) => p.text).join("\n");
}

/** The validated job request; an unknown model is a 404, anything the job schema refuses a 400 naming the field sent. */
export function chatJobRequest(body: ChatCompletionBody): CreateJobRequest {
  const choice = resolveModel(body.model);
  if (!choice) throw new ApiError("not_found", `The model \`${body.model}\` does not exist; GET /v1/models lists them.`);
  const { wait: _wait, ...tt } = body.thinktime ?? {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const input: Record<string, unknown> = {
    question: questionOf(body.messages),
    strategy: choice.strategy,
    n: choice.n,
    temperature: body.temperature ?? undefined,
    top_p: body.top_p ?? undefined,
    seed: body.seed ?? undefined,
    max_tokens: maxTokens === undefined ? undefined : Math.min(maxTokens, LIMITS.maxTokens),
    ...tt,
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  const parsed = CreateJobBody.safeParse(input);
  if (parsed.success) return parsed.data;
  const fromModel = new Set(["strategy", "n"].filter((k) => !(k in tt)));
  throw invalid(
    parsed.error.issues.map((issue) => {
      const [field, ...rest] = issue.path.map(String);
      let path: string;
      if (field === "question") path = "body.messages";
      else if (field && fromModel.has(field)) path = "body.model";
      else if (field === "max_tokens") path = body.max_completion_tokens != null ? "body.max_completion_tokens" : "body.max_tokens";
      else if (field && field in tt) path = ["body.thinktime", field, ...rest].join(".");
      else if (field && ["temperature", "top_p", "seed"].includes(field)) path = `body.${field}`;
      else path = ["body.thinktime", ...issue.path.map(String)].join(".");
      return { path, message: issue.message };
    }),
  );
}
