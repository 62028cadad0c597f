// A tiny XML well-formedness check for the SVG tests: core has no XML parser and should not gain one for tests.

const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const NAME = "[A-Za-z_][\\w.:-]*";
const OPEN = new RegExp(`^<(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>$`);
const CLOSE = new RegExp(`^</(${NAME})\\s*>$`);
const ATTR = new RegExp(`(${NAME})="([^"<]*)"`, "g");

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
}

/** Throws on the first well-formedness error; returns the root element and every element in document order. */
export function checkXml(doc: string): { root: XmlElement; elements: XmlElement[] } {
  const body = doc.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  const elements: XmlElement[] = [];
  let roots = 0;
  for (const token of body.match(/<[^>]*>|[^<]+/g) ?? []) {
    if (!token.startsWith("<")) {
      if (stack.length === 0 && token.trim() !== "") throw new Error(`text outside the root: ${token}`);
      checkEntities(token);
      continue;
    }
    const close = CLOSE.exec(token);
    if (close) {
      const open = stack.pop();
      if (open !== close[1]) throw new Error(`</${close[1]}> closes <${open}>`);
      continue;
    }
    const open = OPEN.exec(token);
    if (!open) throw new Error(`malformed tag: ${token}`);
    const attrs: Record<string, string> = {};
    for (const [, name, value] of open[2]!.matchAll(ATTR)) {
      if (name! in attrs) throw new Error(`duplicate attribute ${name} in ${token}`);
      checkEntities(value!);
      attrs[name!] = value!;
    }
    if (stack.length === 0 && roots++ > 0) throw new Error("more than one root element");
    elements.push({ name: open[1]!, attrs });
    if (open[3] !== "/") stack.push(open[1]!);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (elements.length === 0) throw new Error("no root element");
  return { root: elements[0]!, elements };
}

function checkEntities(text: string): void {
  for (let i = text.indexOf("&"); i >= 0; i = text.indexOf("&", i + 1)) {
    if (!ENTITY.test(text.slice(i))) throw new Error(`bare & in ${JSON.stringify(text)}`);
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) throw new Error("control character in text");
}
