// TypeScript declarations from JSON Schema definitions (json-schema-to-typescript),
// then a structural check of the result with the TypeScript parser.
// stdin:  {"definitions": [{"name": "...", "schema": {...}, "properties": ["..."] | null}],
//          "prelude": "...", "preludeNames": [...], "placeholders": {"NemoctlType0": "user", ...}}
// stdout: {"ok": true, "code": "..."} | {"ok": false, "error": "..."}
// Each definition is compiled on its own (references arrive as `tsType` names), so the
// root-schema placeholder and `$ref`+`default` duplicates of a whole-document compile
// never appear, and every declaration keeps its schema name exactly (customName).
"use strict";
const { compile } = require("json-schema-to-typescript");
const ts = require("typescript");
// json-schema-to-typescript's unformatted output is one declaration member per line;
// indenting the bodies is all the layout it needs (prettier would triple the run time).
function indent(code) {
  let depth = 0;
  return code.split("\n").map((line) => {
    const trimmed = line.trim();
    if (trimmed === "}" || trimmed.startsWith("}")) depth = Math.max(0, depth - 1);
    const out = trimmed === "" ? "" : "  ".repeat(depth) + (trimmed.startsWith("*") ? " " : "") + trimmed;
    if (trimmed.endsWith("{")) depth += 1;
    return out;
  }).join("\n");
}

const OPTIONS = {
  bannerComment: "",
  format: false,
  declareExternallyReferenced: false,
  additionalProperties: false,
  strictIndexSignatures: true,
  unknownAny: true,
  enableConstEnums: false,
  unreachableDefinitions: false,
  customName: (schema) => (typeof schema.title === "string" ? schema.title : undefined),
};

function propertyName(name) {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return null;
}

// Every top-level statement must be an exported interface or type alias we asked for,
// and every interface must have exactly the schema's properties.
function verify(code, definitions, preludeNames) {
  const sf = ts.createSourceFile("generated.d.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  if (sf.parseDiagnostics && sf.parseDiagnostics.length > 0) {
    const d = sf.parseDiagnostics[0];
    return `does not parse: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  }
  const expected = new Map(definitions.map((d) => [d.name, d.properties]));
  const seen = [];
  for (const st of sf.statements) {
    const exported = (st.modifiers || []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDecl = ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st);
    if (!exported || !isDecl) return `unexpected statement: ${code.slice(st.pos, st.end).trim().slice(0, 80)}`;
    const name = st.name.text;
    if (preludeNames.includes(name)) { seen.push(name); continue; }
    if (!expected.has(name)) return `unexpected declaration ${name}`;
    seen.push(name);
    const props = expected.get(name);
    if (props === null) {
      if (!ts.isTypeAliasDeclaration(st)) return `${name} should be a type alias`;
      continue;
    }
    if (!ts.isInterfaceDeclaration(st)) return `${name} should be an interface`;
    const names = st.members.map((m) => (m.name ? propertyName(m.name) : null));
    if (JSON.stringify(names) !== JSON.stringify(props)) return `${name}: properties differ from the schema`;
  }
  const want = [...preludeNames, ...definitions.map((d) => d.name)];
  if (JSON.stringify(seen) !== JSON.stringify(want)) return "declarations differ from the schema";
  return null;
}

function restoreNames(code, placeholders) {
  const sf = ts.createSourceFile("generated.d.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = [];
  const visit = (node) => {
    if (ts.isIdentifier(node) && Object.prototype.hasOwnProperty.call(placeholders, node.text)) {
      edits.push([node.getStart(sf), node.end, placeholders[node.text]]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  let out = code;
  for (const [start, end, name] of edits.sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + name + out.slice(end);
  }
  return out;
}

async function main(request) {
  const parts = [request.prelude];
  for (const def of request.definitions) {
    parts.push((await compile(def.schema, def.compileName || def.name, OPTIONS)).trim());
  }
  const code = restoreNames(indent(parts.join("\n\n")) + "\n", request.placeholders || {});
  const problem = verify(code, request.definitions, request.preludeNames);
  return problem === null ? { ok: true, code } : { ok: false, error: problem };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  main(JSON.parse(input)).then(
    (reply) => process.stdout.write(JSON.stringify(reply)),
    (err) => process.stdout.write(JSON.stringify({ ok: false, error: String(err && err.stack || err) })),
  );
});
