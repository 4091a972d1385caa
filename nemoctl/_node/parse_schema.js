// Parse Prisma schemas with the official parser (wasm) and print their datamodels.
// stdin:  {"schemas": [{"path": "...", "text": "..."}, ...]}
// stdout: {"results": [{"ok": true, "datamodel": {...}} | {"ok": false, "error": {...}}]}
// Several schemas per call, so one node start serves a whole diff.
"use strict";
const wasm = require("@prisma/prisma-schema-wasm");

let panicMessage = null;
// The wasm reports Rust panics through this global; without it a panic crashes node.
global.PRISMA_WASM_PANIC_REGISTRY = { set_message: (m) => { panicMessage = m; } };

function parseOne(path, text) {
  const params = JSON.stringify({ prismaSchema: [[path, text]], noColor: true });
  panicMessage = null;
  try {
    return { ok: true, datamodel: JSON.parse(wasm.get_datamodel(params)) };
  } catch (err) {
    if (panicMessage !== null) {
      return { ok: false, error: { error_code: "PANIC", message: String(panicMessage) } };
    }
    let raw = String(err && err.message !== undefined ? err.message : err);
    try {
      const parsed = JSON.parse(raw);
      return { ok: false, error: { error_code: parsed.error_code || "", message: String(parsed.message || raw) } };
    } catch (_) {
      return { ok: false, error: { error_code: "", message: raw } };
    }
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const results = request.schemas.map((s) => parseOne(s.path, s.text));
  process.stdout.write(JSON.stringify({ results }));
});
