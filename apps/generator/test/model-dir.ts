// Where the tests find the real policy model (the repo's models/policy/onnx).
import { fileURLToPath } from "node:url";

export const POLICY_DIR = fileURLToPath(new URL("../../../models/policy/onnx", import.meta.url));
/** The revision policy (models/revise/onnx): the policy fine-tuned to revise, with a 768-character context. */
export const REVISE_DIR = fileURLToPath(new URL("../../../models/revise/onnx", import.meta.url));
