// Public surface of @thinktime/generator: run the worker in-process, or use the engine and clients directly.
export { startGenerator, candidateRows, classify, resultJson, type GeneratorHandle, type GeneratorOptions } from "./worker.js";
export { VerifierClient, VerifierError, type VerifierClientOptions, type VerifierErrorCode } from "./verifier-client.js";
export { StepScorerClient, type StepScorerClientOptions } from "./step-scorer-client.js";
export { VerifierHttp, type VerifierHttpOptions } from "./verifier-http.js";
export { engineSampler, type EngineSamplerOptions } from "./sampler.js";
export { UsageMeter, type Spent } from "./usage-meter.js";
export { parseJob, StoredJobParams } from "./job-params.js";
export { jsonLogger, silentLogger, type Logger } from "./log.js";
export * from "./engine/index.js";
export {
  OpenAIBackend,
  type CompletionRequest, type CompletionResult, type CompletionSample, type OpenAIBackendOptions,
} from "./backends/openai.js";
