// The interactive API docs as one self-contained HTML page (inline CSS and JS, no CDN): many deployments are offline,
// and the Workers build cannot read files at runtime. It renders /openapi.json in the browser and can try requests.
// The inline script avoids backticks and dollar-brace so this template literal holds it verbatim.

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thinktime API docs</title>
<style>
  :root { --fg: #1d2127; --muted: #5d6673; --line: #d9dde3; --bg: #f6f7f9; --accent: #2456c9; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); }
  header { position: sticky; top: 0; z-index: 1; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap;
    padding: .6rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.1rem; margin: 0; }
  header label { color: var(--muted); }
  header input { width: 22rem; max-width: 60vw; }
  main { max-width: 70rem; margin: 0 auto; padding: 1rem 1.2rem 4rem; }
  h2 { margin: 2rem 0 .5rem; font-size: 1.15rem; text-transform: capitalize; }
  details.op { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; background: #fff; }
  details.op > summary { cursor: pointer; padding: .45rem .7rem; display: flex; gap: .7rem; align-items: baseline; }
  details.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--bg); }
  .method { font: 600 12px ui-monospace, monospace; text-transform: uppercase; min-width: 4.2rem; color: #fff;
    padding: .1rem .4rem; border-radius: 4px; text-align: center; background: #6b7280; }
  .get { background: #2f7d4f; } .post { background: var(--accent); } .delete { background: #b3261e; }
  .put, .patch { background: #9a6700; }
  .path { font: 600 13px ui-monospace, monospace; }
  .summary { color: var(--muted); }
  .body { padding: .5rem .9rem .9rem; }
  h4 { margin: .9rem 0 .3rem; font-size: .85rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid var(--line); }
  code, pre, textarea, input { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
  pre { background: var(--bg); padding: .6rem; border-radius: 4px; overflow: auto; margin: .2rem 0; max-height: 28rem; }
  textarea { width: 100%; min-height: 7rem; }
  input { padding: .25rem .4rem; }
  button { font: inherit; padding: .3rem .9rem; border-radius: 4px; border: 1px solid var(--accent);
    background: var(--accent); color: #fff; cursor: pointer; }
  .try { border-top: 1px dashed var(--line); margin-top: .9rem; }
  .try label { display: block; margin: .3rem 0; }
  .try label span { display: inline-block; min-width: 9rem; color: var(--muted); }
  .status { font-weight: 600; }
  .error { color: #b3261e; }
</style>
</head>
<body>
<header>
  <h1 id="title">Thinktime API</h1>
  <label>API key <input id="api-key" type="password" placeholder="tt_…" autocomplete="off"></label>
  <a href="/openapi.json">openapi.json</a>
</header>
<main id="ops"><p>Loading /openapi.json …</p></main>
<script>
(function () {
  "use strict";
  var spec = null;
  var keyInput = document.getElementById("api-key");
  try { keyInput.value = sessionStorage.getItem("thinktime-api-key") || ""; } catch (e) {}
  keyInput.addEventListener("input", function () {
    try { sessionStorage.setItem("thinktime-api-key", keyInput.value); } catch (e) {}
  });

  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "text") el.textContent = attrs[k];
      else if (k === "class") el.className = attrs[k];
      else el.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }

  function deref(s) {
    var seen = 0;
    while (s && s.$ref && seen++ < 20) {
      var parts = s.$ref.replace(/^#\\//, "").split("/");
      var t = spec;
      for (var i = 0; i < parts.length; i++) t = t && t[parts[i].replace(/~1/g, "/").replace(/~0/g, "~")];
      s = t;
    }
    return s || {};
  }
  function refName(s) { return s && s.$ref ? s.$ref.split("/").pop() : null; }

  // A TypeScript-like outline of a JSON schema, refs expanded a few levels deep.
  function outline(s, depth, indent) {
    indent = indent || "";
    var name = refName(s);
    s = deref(s);
    if (depth > 4) return name || "object";
    var alts = s.anyOf || s.oneOf;
    if (alts) return alts.map(function (a) { return outline(a, depth + 1, indent); }).join(" | ");
    if (s.allOf) return s.allOf.map(function (a) { return outline(a, depth + 1, indent); }).join(" & ");
    if (s.enum) return s.enum.map(function (v) { return JSON.stringify(v); }).join(" | ");
    if (s.const !== undefined) return JSON.stringify(s.const);
    var type = Array.isArray(s.type) ? s.type : [s.type];
    var nullable = type.indexOf("null") >= 0 || s.nullable;
    type = type.filter(function (t) { return t && t !== "null"; })[0];
    var out;
    if (type === "array") out = "Array<" + outline(s.items || {}, depth + 1, indent) + ">";
    else if (type === "object" || s.properties) {
      var props = s.properties || {};
      var req = s.required || [];
      var keys = Object.keys(props);
      if (!keys.length) out = s.additionalProperties ? "Record<string, " + outline(s.additionalProperties === true ? {} : s.additionalProperties, depth + 1, indent) + ">" : "object";
      else {
        var inner = indent + "  ";
        out = "{\\n" + keys.map(function (k) {
          var p = props[k];
          var d = deref(p);
          var note = [d.description, d.default !== undefined ? "default " + JSON.stringify(d.default) : "",
            d.minimum !== undefined ? "min " + d.minimum : "", d.maximum !== undefined ? "max " + d.maximum : ""]
            .filter(Boolean).join("; ");
          return inner + k + (req.indexOf(k) >= 0 ? "" : "?") + ": " + outline(p, depth + 1, inner) + (note ? "  // " + note.replace(/\\n/g, " ") : "");
        }).join("\\n") + "\\n" + indent + "}";
      }
    } else out = type || (name ? name : "any");
    if (s.format) out += " (" + s.format + ")";
    return nullable ? out + " | null" : out;
  }

  // A request body to start from: examples and defaults where the schema has them, required fields otherwise.
  function example(s, depth) {
    s = deref(s);
    if (depth > 5) return null;
    if (s.example !== undefined) return s.example;
    if (s.default !== undefined) return s.default;
    if (s.enum) return s.enum[0];
    if (s.const !== undefined) return s.const;
    var alts = s.anyOf || s.oneOf || s.allOf;
    if (alts) return example(alts[0], depth + 1);
    var type = Array.isArray(s.type) ? s.type.filter(function (t) { return t !== "null"; })[0] : s.type;
    if (type === "object" || s.properties) {
      var o = {};
      var req = s.required || [];
      Object.keys(s.properties || {}).forEach(function (k) { if (req.indexOf(k) >= 0) o[k] = example(s.properties[k], depth + 1); });
      return o;
    }
    if (type === "array") return [];
    if (type === "integer" || type === "number") return s.minimum !== undefined ? s.minimum : 1;
    if (type === "boolean") return false;
    if (type === "string") return "";
    return null;
  }

  function paramsTable(params) {
    return h("table", null,
      h("tr", null, h("th", { text: "name" }), h("th", { text: "in" }), h("th", { text: "type" }), h("th", { text: "description" })),
      params.map(function (p) {
        return h("tr", null,
          h("td", null, h("code", { text: p.name + (p.required ? "" : "?") })),
          h("td", { text: p.in }),
          h("td", null, h("code", { text: outline(p.schema || {}, 0) })),
          h("td", { text: p.description || (p.schema && deref(p.schema).description) || "" }));
      }).reduce(function (frag, row) { frag.appendChild(row); return frag; }, document.createDocumentFragment()));
  }

  function tryIt(method, path, op, params) {
    var form = h("form", { class: "try" }, h("h4", { text: "Try it" }));
    var inputs = {};
    params.forEach(function (p) {
      if (p.in !== "path" && p.in !== "query" && p.in !== "header") return;
      var ex = p.example !== undefined ? p.example : deref(p.schema || {}).example;
      var input = h("input", { name: p.name, placeholder: ex !== undefined ? String(ex) : "" });
      inputs[p.in + ":" + p.name] = input;
      form.appendChild(h("label", null, h("span", { text: p.name + " (" + p.in + ")" }), input));
    });
    var body = null;
    var content = op.requestBody && op.requestBody.content;
    var ctype = content ? Object.keys(content)[0] : null;
    if (ctype) {
      var ex = example(content[ctype].schema || {}, 0);
      body = h("textarea", { spellcheck: "false" });
      body.value = typeof ex === "string" ? ex : JSON.stringify(ex, null, 2);
      form.appendChild(h("label", null, h("span", { text: "body (" + ctype + ")" })));
      form.appendChild(body);
    }
    var out = h("div");
    form.appendChild(h("p", null, h("button", { type: "submit", text: "Send " + method.toUpperCase() + " " + path })));
    form.appendChild(out);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var url = path.replace(/\\{([^}]+)\\}/g, function (_, name) {
        return encodeURIComponent((inputs["path:" + name] && inputs["path:" + name].value) || "");
      });
      var query = new URLSearchParams();
      var headers = {};
      Object.keys(inputs).forEach(function (k) {
        var v = inputs[k].value;
        if (!v) return;
        if (k.indexOf("query:") === 0) query.append(k.slice(6), v);
        if (k.indexOf("header:") === 0) headers[k.slice(7)] = v;
      });
      if (query.toString()) url += "?" + query.toString();
      if (keyInput.value) headers.authorization = "Bearer " + keyInput.value.trim();
      var init = { method: method.toUpperCase(), headers: headers };
      if (body) { headers["content-type"] = ctype; init.body = body.value; }
      out.replaceChildren(h("p", { text: "…" }));
      var started = performance.now();
      fetch(url, init).then(function (res) {
        return res.text().then(function (text) {
          var shown = text;
          try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
          var hdrs = [];
          res.headers.forEach(function (v, k) { hdrs.push(k + ": " + v); });
          out.replaceChildren(
            h("p", null, h("span", { class: "status", text: res.status + " " + res.statusText }),
              " in " + Math.round(performance.now() - started) + " ms — " + method.toUpperCase() + " " + url),
            h("pre", { text: hdrs.join("\\n") }),
            h("pre", { class: "response", text: shown }));
        });
      }).catch(function (err) {
        out.replaceChildren(h("p", { class: "error", text: String(err) }));
      });
    });
    return form;
  }

  function operation(method, path, op, shared) {
    var params = (shared || []).concat(op.parameters || []).map(deref);
    var body = h("div", { class: "body" });
    if (op.description) body.appendChild(h("p", { text: op.description }));
    if (op.security && op.security.length) body.appendChild(h("p", { class: "summary", text: "Needs an API key (Authorization: Bearer tt_…)." }));
    if (params.length) body.appendChild(h("h4", { text: "Parameters" }));
    if (params.length) body.appendChild(paramsTable(params));
    var content = op.requestBody && op.requestBody.content;
    if (content) {
      body.appendChild(h("h4", { text: "Request body" }));
      Object.keys(content).forEach(function (ct) {
        body.appendChild(h("div", null, h("code", { text: ct })));
        body.appendChild(h("pre", { text: outline(content[ct].schema || {}, 0) }));
      });
    }
    body.appendChild(h("h4", { text: "Responses" }));
    Object.keys(op.responses || {}).forEach(function (status) {
      var r = deref(op.responses[status]);
      body.appendChild(h("div", null, h("strong", { text: status }), " " + (r.description || "")));
      Object.keys(r.content || {}).forEach(function (ct) {
        var s = r.content[ct].schema;
        body.appendChild(h("details", null, h("summary", null, h("code", { text: ct + (refName(s) ? " · " + refName(s) : "") })),
          h("pre", { text: outline(s || {}, 0) })));
      });
    });
    body.appendChild(tryIt(method, path, op, params));
    return h("details", { class: "op", id: op.operationId || method + path },
      h("summary", null, h("span", { class: "method " + method, text: method }), h("span", { class: "path", text: path }),
        h("span", { class: "summary", text: op.summary || "" })),
      body);
  }

  function render() {
    document.getElementById("title").textContent = (spec.info && spec.info.title || "API") + " " + (spec.info && spec.info.version || "");
    var groups = {};
    var order = [];
    Object.keys(spec.paths || {}).forEach(function (path) {
      var item = spec.paths[path];
      ["get", "post", "put", "patch", "delete"].forEach(function (m) {
        if (!item[m]) return;
        var tag = (item[m].tags && item[m].tags[0]) || "other";
        if (!groups[tag]) { groups[tag] = []; order.push(tag); }
        groups[tag].push(operation(m, path, item[m], item.parameters));
      });
    });
    var main = document.getElementById("ops");
    main.replaceChildren();
    if (spec.info && spec.info.description) main.appendChild(h("p", { text: spec.info.description }));
    order.forEach(function (tag) {
      main.appendChild(h("h2", { id: "tag-" + tag, text: tag }));
      groups[tag].forEach(function (el) { main.appendChild(el); });
    });
    if (location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target && target.tagName === "DETAILS") { target.open = true; target.scrollIntoView(); }
    }
  }

  fetch("/openapi.json").then(function (res) {
    if (!res.ok) throw new Error("GET /openapi.json: " + res.status);
    return res.json();
  }).then(function (doc) { spec = doc; render(); }).catch(function (err) {
    document.getElementById("ops").replaceChildren(h("p", { class: "error", text: String(err) }));
  });
})();
</script>
</body>
</html>
`;
