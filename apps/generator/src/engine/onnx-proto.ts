// Just enough of the ONNX protobuf to write a tiny model (the benchmark's MatMul) and to expose a decoder's new
// key/value tensors as extra outputs, so a decode step can fetch one new column instead of the whole present KV.

/** Protobuf wire format: varints and length-delimited fields are all these edits need. */
export function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}
export const intField = (field: number, n: number) => [...varint(field << 3), ...varint(n)];
export const bytesField = (field: number, bytes: ArrayLike<number>) => [
  ...varint((field << 3) | 2), ...varint(bytes.length), ...Array.from(bytes),
];
export const strField = (field: number, s: string) => bytesField(field, new TextEncoder().encode(s));

/** ValueInfoProto of a float tensor whose dims are named (dim_param), so one model serves every size. */
export function floatTensorInfo(name: string, dims: string[]): number[] {
  const shape = dims.flatMap((d) => bytesField(1, strField(2, d))); // TensorShapeProto.dim { dim_param }
  const tensorType = [...intField(1, 1), ...bytesField(2, shape)]; // elem_type FLOAT = 1, shape
  return [...strField(1, name), ...bytesField(2, bytesField(1, tensorType))]; // name, type { tensor_type }
}

interface Field {
  field: number;
  /** Where the whole field (tag included) starts and ends. */
  start: number;
  end: number;
  /** Length-delimited fields: where the payload starts. */
  payload?: number;
}

function readVarint(buf: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = buf[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}

/** The top-level fields of one message (no recursion; payloads are left as byte ranges). */
function fields(buf: Uint8Array, from = 0, to = buf.length): Field[] {
  const out: Field[] = [];
  let at = from;
  while (at < to) {
    const start = at;
    const [tag, next] = readVarint(buf, at);
    at = next;
    const wire = tag & 7;
    if (wire === 0) at = readVarint(buf, at)[1];
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const [len, p] = readVarint(buf, at);
      out.push({ field: Math.floor(tag / 8), start, end: p + len, payload: p });
      at = p + len;
      continue;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    out.push({ field: Math.floor(tag / 8), start, end: at });
  }
  return out;
}

const text = (buf: Uint8Array, f: Field) => new TextDecoder().decode(buf.subarray(f.payload!, f.end));

/**
 * Adds graph outputs `new.{l}.key` / `new.{l}.value`: the second input of the Concat that writes each
 * `present.{l}.*` (the step's own key/value, [B, H, T, D]). Returns null when the graph is not shaped that way,
 * and the caller keeps fetching the full present.
 */
export function exposeNewKv(model: Uint8Array, layers: number): Uint8Array | null {
  const graph = fields(model).find((f) => f.field === 7 && f.payload !== undefined);
  if (!graph) return null;
  const producers = new Map<string, { op: string; inputs: string[] }>();
  for (const node of fields(model, graph.payload, graph.end)) {
    if (node.field !== 1) continue;
    const parts = fields(model, node.payload, node.end);
    const inputs = parts.filter((p) => p.field === 1).map((p) => text(model, p));
    const op = parts.find((p) => p.field === 4);
    for (const out of parts.filter((p) => p.field === 2)) {
      producers.set(text(model, out), { op: op ? text(model, op) : "", inputs });
    }
  }
  const extra: number[] = [];
  for (let l = 0; l < layers; l++) {
    for (const kind of ["key", "value"]) {
      const concat = producers.get(`present.${l}.${kind}`);
      if (concat?.op !== "Concat" || concat.inputs.length !== 2 || concat.inputs[0] !== `past_key_values.${l}.${kind}`) {
        return null;
      }
      // An Identity renames the step's tensor to the output name, leaving the graph's own tensors untouched.
      extra.push(
        ...bytesField(1, [
          ...strField(1, concat.inputs[1]!), ...strField(2, `new.${l}.${kind}`),
          ...strField(3, `thinktime_new_${l}_${kind}`), ...strField(4, "Identity"),
        ]),
      );
      extra.push(...bytesField(12, floatTensorInfo(`new.${l}.${kind}`, ["batch", "heads", "new_len", "head_dim"])));
    }
  }
  const content = model.subarray(graph.payload!, graph.end);
  const header = [...varint((7 << 3) | 2), ...varint(content.length + extra.length)];
  const out = new Uint8Array(graph.start + header.length + content.length + extra.length + (model.length - graph.end));
  out.set(model.subarray(0, graph.start), 0);
  out.set(header, graph.start);
  out.set(content, graph.start + header.length);
  out.set(extra, graph.start + header.length + content.length);
  out.set(model.subarray(graph.end), graph.start + header.length + content.length + extra.length);
  return out;
}

/** NodeProto bytes: inputs, outputs, name, op type, then any raw extra fields (attributes). */
function node(op: string, name: string, inputs: string[], outputs: string[], extra: number[] = []): number[] {
  return bytesField(1, [
    ...inputs.flatMap((i) => strField(1, i)), ...outputs.flatMap((o) => strField(2, o)),
    ...strField(3, name), ...strField(4, op), ...extra,
  ]);
}
/** AttributeProto fields: an INT (type 2) or INTS (type 7) attribute of non-negative values. */
const intAttr = (name: string, v: number) => bytesField(5, [...strField(1, name), ...intField(3, v), ...intField(20, 2)]);
const intsAttr = (name: string, vs: number[]) =>
  bytesField(5, [...strField(1, name), ...vs.flatMap((v) => intField(8, v)), ...intField(20, 7)]);
/** TensorProto initializer: a one-element int64 tensor (raw little-endian, so negative values need no varint). */
function int64Initializer(name: string, value: bigint): number[] {
  const raw = new Uint8Array(new BigInt64Array([value]).buffer);
  return bytesField(5, [...intField(1, 1), ...intField(2, 7), ...strField(8, name), ...bytesField(9, raw)]);
}

/**
 * The decode-step graph: the model with each layer's KV Concat taken out of attention. Scores are
 * [q·K_pastᵀ, q·k_newᵀ] and the output P_past·V_past + P_new·v_new — the same attention, without writing the
 * [B, H, past + 1, D] concatenation every step. It outputs logits and new.{l}.key/value (no present). Returns null
 * unless every layer has the exported shape: present = Concat(past, new) read only by Transpose→MatMul (keys)
 * and by MatMul(softmax, ·) (values).
 */
export function concatFreeStepModel(model: Uint8Array, layers: number): Uint8Array | null {
  const graph = fields(model).find((f) => f.field === 7 && f.payload !== undefined);
  if (!graph) return null;
  interface Node { f: Field; op: string; inputs: string[]; outputs: string[]; name: string; extra: number[] }
  const parsed: Node[] = [];
  const rest: Field[] = [];
  for (const f of fields(model, graph.payload, graph.end)) {
    if (f.field !== 1) {
      rest.push(f);
      continue;
    }
    const parts = fields(model, f.payload, f.end);
    const get = (n: number) => parts.filter((p) => p.field === n).map((p) => text(model, p));
    const extra = parts.filter((p) => p.field > 4).flatMap((p) => Array.from(model.subarray(p.start, p.end)));
    parsed.push({ f, op: get(4)[0] ?? "", inputs: get(1), outputs: get(2), name: get(3)[0] ?? "", extra });
  }
  const consumers = (t: string) => parsed.filter((n) => n.inputs.includes(t));
  const replace = new Map<Node, number[]>();
  for (let l = 0; l < layers; l++) {
    const [pk, pv] = [`past_key_values.${l}.key`, `past_key_values.${l}.value`];
    const catK = parsed.find((n) => n.outputs[0] === `present.${l}.key`);
    const catV = parsed.find((n) => n.outputs[0] === `present.${l}.value`);
    if (catK?.op !== "Concat" || catV?.op !== "Concat" || catK.inputs[0] !== pk || catV.inputs[0] !== pv) return null;
    const [kn, vn] = [catK.inputs[1]!, catV.inputs[1]!];
    const kUsers = consumers(`present.${l}.key`);
    const vUsers = consumers(`present.${l}.value`);
    if (kUsers.length !== 1 || kUsers[0]!.op !== "Transpose" || vUsers.length !== 1 || vUsers[0]!.op !== "MatMul") return null;
    const transK = kUsers[0]!;
    const sUsers = consumers(transK.outputs[0]!);
    const mmOut = vUsers[0]!;
    if (sUsers.length !== 1 || sUsers[0]!.op !== "MatMul" || sUsers[0]!.inputs[1] !== transK.outputs[0] || mmOut.inputs[1] !== `present.${l}.value`) {
      return null;
    }
    const mmScores = sUsers[0]!;
    const q = mmScores.inputs[0]!;
    const p = mmOut.inputs[0]!;
    const t = (s: string) => `thinktime_${l}_${s}`;
    replace.set(catK, []);
    replace.set(catV, []);
    replace.set(transK, node("Transpose", transK.name, [pk], transK.outputs, transK.extra));
    replace.set(mmScores, [
      ...node("MatMul", mmScores.name, [q, transK.outputs[0]!], [t("s_past")]),
      ...node("Transpose", t("kT"), [kn], [t("kT")], intsAttr("perm", [0, 1, 3, 2])),
      ...node("MatMul", t("s_new"), [q, t("kT")], [t("s_new")]),
      ...node("Concat", t("scores"), [t("s_past"), t("s_new")], mmScores.outputs, intAttr("axis", 3)),
    ]);
    replace.set(mmOut, [
      ...node("Slice", t("p_past"), [p, "thinktime_zero", "thinktime_minus1", "thinktime_axis3"], [t("p_past")]),
      ...node("Slice", t("p_new"), [p, "thinktime_minus1", "thinktime_int64_max", "thinktime_axis3"], [t("p_new")]),
      ...node("MatMul", t("o_past"), [t("p_past"), pv], [t("o_past")]),
      ...node("MatMul", t("o_new"), [t("p_new"), vn], [t("o_new")]),
      ...node("Add", t("o"), [t("o_past"), t("o_new")], mmOut.outputs),
      ...node("Identity", t("new_key"), [kn], [`new.${l}.key`]),
      ...node("Identity", t("new_value"), [vn], [`new.${l}.value`]),
    ]);
  }
  // Chunks, not one number[]: initializers are megabytes, too large to spread into an array.
  const chunks: ArrayLike<number>[] = [];
  const slice = (f: Field) => model.subarray(f.start, f.end);
  for (const n of parsed) chunks.push(replace.get(n) ?? slice(n.f));
  for (const f of rest) {
    // Graph outputs (12) lose present.*; everything else (name, initializers, inputs, value infos) stays.
    if (f.field === 12) {
      const name = fields(model, f.payload, f.end).find((p) => p.field === 1);
      if (name && text(model, name).startsWith("present.")) continue;
    }
    chunks.push(slice(f));
  }
  chunks.push(
    int64Initializer("thinktime_zero", 0n), int64Initializer("thinktime_minus1", -1n),
    int64Initializer("thinktime_int64_max", 9223372036854775807n), int64Initializer("thinktime_axis3", 3n),
  );
  for (let l = 0; l < layers; l++) {
    for (const kind of ["key", "value"]) {
      chunks.push(bytesField(12, floatTensorInfo(`new.${l}.${kind}`, ["batch", "heads", "new_len", "head_dim"])));
    }
  }
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const header = [...varint((7 << 3) | 2), ...varint(size)];
  const out = new Uint8Array(graph.start + header.length + size + (model.length - graph.end));
  out.set(model.subarray(0, graph.start), 0);
  out.set(header, graph.start);
  let at = graph.start + header.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(model.subarray(graph.end), at);
  return out;
}
