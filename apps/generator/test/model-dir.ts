// Where the tests find the real policy model (the repo's models/policy/onnx).
import { fileURLToPath } from "node:url";

export const POLICY_DIR = fileURLToPath(new URL("../../../models/policy/onnx", import.meta.url));
