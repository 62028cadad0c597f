// One-line JSON logs on stderr: the generator runs headless, so every line must be greppable and parseable.

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function write(level: string, msg: string, fields?: LogFields): void {
  process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, svc: "generator", msg, ...fields })}\n`);
}

export const jsonLogger: Logger = {
  info: (msg, fields) => write("info", msg, fields),
  warn: (msg, fields) => write("warn", msg, fields),
  error: (msg, fields) => write("error", msg, fields),
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
