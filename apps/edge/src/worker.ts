// Cloudflare Workers entry: the same app over Neon's serverless driver; env is validated per request and fails closed.
import { newApp } from "./app.js";

const app = newApp({ fromEnv: true });

export default {
  fetch: app.fetch,
};
