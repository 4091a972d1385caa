// Uses of nemoctl's generated TypeScript types in a project's TS/JS, by the compiler API.
// stdin:  {"root": "/abs/project", "files": ["rel/a.ts", ...], "generated": ["/abs/index.d.ts"],
//          "names": {fields, tables, columns, classes, enums}}
// stdout: {"results": {"rel/a.ts": {"uses": [[model, member, target, line, col, kind], ...],
//                                    "deps": ["rel/types.ts", ...],
//                                    "chains": [[table, line, col, [[method, [arg...]], ...]]],
//                                    "prisma": [[model, line, col, returnsRows, hasSelect,
//                                                [[key, line, col], ...]]],
//                                    "strings": [[text, line, col], ...]}
//                                   | {"error": "message"}}}
// "deps" are the project files a file's resolved types come from directly: its resolved
// imports and references plus every global script and declaration file in its Program
// (not node_modules, not the generated files).  The caller's cache keeps a result only
// while they, and transitively theirs, are unchanged.
// One process, one Program per tsconfig.json (nearest to each file; defaults without one).
// A use is a node whose symbol's declaration is in a generated file: property access,
// element access by literal, destructuring, object literal keys (contextual type), type
// references (through aliases and imports), supabase-style Database[...] indexed access.
// Database-level facts the Python side resolves (nemoctl/impact/typescript.py): supabase-js
// builder chains after .from("T") (their select strings are parsed there, with PostgREST's
// grammar), Prisma client calls (prisma.liteLLM_X.findMany({select: {...}})), and string
// literals (also literal types: Pick<T, "a">, keyof) that are a column, field or
// constraint name (used where the file reaches that table).
// Nothing outside the project root is read, except TypeScript's own lib files.
"use strict";
const path = require("path");
const fs = require("fs");
const { Worker, isMainThread, workerData, parentPort } = require("worker_threads");

// The compiler recurses along import chains (a file importing a file importing ...): run
// it on a worker thread with a large stack of its own, so a deep chain cannot overflow.
if (isMainThread) {
  const payload = fs.readFileSync(0, "utf8");
  const worker = new Worker(__filename, { workerData: payload,
    resourceLimits: { stackSizeMb: 256 } });
  worker.on("message", (out) => process.stdout.write(out));
  worker.on("error", (e) => { process.stderr.write(String(e && e.stack || e)); process.exitCode = 1; });
  return;
}
const ts = require("typescript");
const input = JSON.parse(workerData);
const root = path.resolve(input.root);
const names = input.names;
const generated = new Set(input.generated.map((p) => path.resolve(p)));
const fieldSets = {};
for (const [model, fields] of Object.entries(names.fields)) fieldSets[model] = new Set(fields);
const libDir = path.dirname(require.resolve("typescript"));
const TABLE_GROUPS = new Set(["Tables", "Views"]);
const CANDIDATES = new Set();
for (const cols of Object.values(names.columns)) for (const c of Object.keys(cols)) CANDIDATES.add(c);
for (const fields of Object.values(names.fields)) for (const f of fields) CANDIDATES.add(f);
for (const c of Object.keys(names.constraints || {})) CANDIDATES.add(c);
for (const t of Object.keys(names.tables)) CANDIDATES.add(t);
// Prisma client accessors: prisma.liteLLM_SpendLogs → LiteLLM_SpendLogs.
const ACCESSORS = {};
for (const model of Object.keys(names.fields)) ACCESSORS[model.charAt(0).toLowerCase() + model.slice(1)] = model;
const PRISMA_ROWS = new Set(["findMany", "findFirst", "findUnique", "findFirstOrThrow",
  "findUniqueOrThrow", "create", "update", "upsert", "delete", "createManyAndReturn",
  "updateManyAndReturn"]);
const PRISMA_CALLS = new Set([...PRISMA_ROWS, "createMany", "updateMany", "deleteMany",
  "count", "aggregate", "groupBy"]);
const SHAPES = new Set(["Row", "Insert", "Update"]);

function inside(p) {
  const abs = path.resolve(p);
  return abs === root || abs.startsWith(root + path.sep) || abs.startsWith(libDir + path.sep);
}

function nearestConfig(abs) {
  let dir = path.dirname(abs);
  while (dir.startsWith(root)) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (dir === root) break;
    dir = path.dirname(dir);
  }
  return null;
}

const DEFAULTS = {
  allowJs: true, checkJs: false, jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true, skipLibCheck: true, noEmit: true, types: [], resolveJsonModule: false,
};

function optionsFor(configPath) {
  if (!configPath) return { ...DEFAULTS };
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {},
    readFile: (p) => (inside(p) ? ts.sys.readFile(p) : undefined),
    fileExists: (p) => inside(p) && ts.sys.fileExists(p) };
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, host);
  const options = parsed ? parsed.options : {};
  return { ...DEFAULTS, ...options, noEmit: true, skipLibCheck: true, types: [],
    allowJs: true, composite: false, incremental: false, declaration: false };
}

function propName(node) {
  const n = node && node.name;
  if (!n) return null;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  return null;
}

function inGenerated(node) {
  return generated.has(path.resolve(node.getSourceFile().fileName));
}

// The model whose Row/Insert/Update shape `lit` is: Database[..]["Tables"][table][shape].
function tableOfShape(lit) {
  const shape = lit.parent;
  if (!shape || !ts.isPropertySignature(shape) || !SHAPES.has(propName(shape))) return null;
  const tableProp = shape.parent && shape.parent.parent;
  if (!tableProp || !ts.isPropertySignature(tableProp)) return null;
  const group = tableProp.parent && tableProp.parent.parent;
  if (!group || !ts.isPropertySignature(group) || !TABLE_GROUPS.has(propName(group))) return null;
  return names.tables[propName(tableProp)] || null;
}

function tableOfEntry(prop) {
  const group = prop.parent && prop.parent.parent;
  if (!group || !ts.isPropertySignature(group) || !TABLE_GROUPS.has(propName(group))) return null;
  return names.tables[propName(prop)] || null;
}

function named(name) {
  if (Object.prototype.hasOwnProperty.call(names.enums, name)) return [name, "", "enum"];
  const model = names.classes[name];
  return model ? [model, "", "model"] : null;
}

function targetOf(decl) {
  if (!decl || !inGenerated(decl)) return null;
  if ((ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)
      || ts.isClassDeclaration(decl) || ts.isEnumDeclaration(decl)) && decl.name) {
    return named(decl.name.text);
  }
  if (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) {
    const name = propName(decl);
    const owner = decl.parent;
    if (ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)) {
      const model = owner.name && names.classes[owner.name.text];
      return model && fieldSets[model] && fieldSets[model].has(name) ? [model, name, "field"] : null;
    }
    if (ts.isTypeLiteralNode(owner)) {
      const model = tableOfShape(owner);
      if (model) {
        const field = (names.columns[model] || {})[name];
        return field ? [model, field, "field"] : null;
      }
      if (ts.isTypeAliasDeclaration(owner.parent)) {
        const model = names.classes[owner.parent.name.text];
        return model && fieldSets[model].has(name) ? [model, name, "field"] : null;
      }
    }
    const table = tableOfEntry(decl);
    return table ? [table, "", "model"] : null;
  }
  if (ts.isTypeLiteralNode(decl)) {
    const model = tableOfShape(decl);
    if (model) return [model, "", "model"];
    if (ts.isTypeAliasDeclaration(decl.parent)) return named(decl.parent.name.text);
  }
  return null;
}

function targetOfSymbol(checker, sym) {
  if (!sym) return null;
  if (sym.flags & ts.SymbolFlags.Alias) {
    try { sym = checker.getAliasedSymbol(sym); } catch (e) { return null; }
  }
  for (const decl of sym.declarations || []) {
    const t = targetOf(decl);
    if (t) return t;
  }
  return null;
}

function targetOfType(checker, type) {
  if (!type) return null;
  return targetOfSymbol(checker, type.aliasSymbol) || targetOfSymbol(checker, type.getSymbol());
}

function propertyOf(checker, type, name) {
  if (!type) return null;
  type = checker.getNonNullableType(type);
  const parts = type.isUnion() ? type.types : [type];
  for (const part of parts) {
    const prop = checker.getPropertyOfType(checker.getApparentType(part), name);
    const t = targetOfSymbol(checker, prop);
    if (t) return t;
  }
  return null;
}

function posOf(sf, node, inner) {
  const p = sf.getLineAndCharacterOfPosition(node.getStart(sf) + (inner || 0));
  return [p.line + 1, p.character + 1];
}

function isStr(node) {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

// One call argument, language-neutral (nemoctl/impact/postgrest.py Arg).
function argOf(sf, node) {
  if (isStr(node)) {
    const [line, col] = posOf(sf, node, 1);
    return ["str", node.text, line, col];
  }
  if (node && ts.isObjectLiteralExpression(node)) {
    const keys = [];
    for (const prop of node.properties) {
      if (!(ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop))) {
        return ["other"];  // a spread or a method: its keys are not known
      }
      const name = propName(prop);
      if (name === null) return ["other"];
      const [line, col] = posOf(sf, prop.name, ts.isStringLiteral(prop.name) ? 1 : 0);
      const init = ts.isPropertyAssignment(prop) ? prop.initializer : null;
      keys.push([name, line, col, isStr(init) ? argOf(sf, init) : null]);
    }
    return ["obj", keys];
  }
  return ["other"];
}

function chainOf(sf, call) {
  const steps = [];
  let node = call;
  while (node.parent && ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node
         && node.parent.parent && ts.isCallExpression(node.parent.parent)
         && node.parent.parent.expression === node.parent) {
    const next = node.parent.parent;
    steps.push([node.parent.name.text, next.arguments.map((a) => argOf(sf, a))]);
    node = next;
  }
  return steps;
}

function objectKeys(sf, node, out) {
  if (!node) return;
  if (ts.isObjectLiteralExpression(node)) {
    for (const prop of node.properties) {
      if (ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop)) {
        const name = propName(prop);
        if (name !== null) out.push([name, ...posOf(sf, prop.name)]);
        if (ts.isPropertyAssignment(prop)) objectKeys(sf, prop.initializer, out);
      }
    }
  } else if (ts.isArrayLiteralExpression(node)) {
    for (const el of node.elements) {
      if (isStr(el)) out.push([el.text, ...posOf(sf, el, 1)]);
      else objectKeys(sf, el, out);
    }
  }
}

function databaseFacts(checker, sf) {
  const chains = [], prisma = [], strings = [];
  function visit(node) {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const arg = node.arguments[0];
      if ((method === "from" || method === "table") && node.arguments.length === 1 && arg) {
        let table = isStr(arg) ? arg.text : null;
        if (table === null) {
          const t = checker.getTypeAtLocation(arg);
          if (t && t.isStringLiteral()) table = t.value;  // a const with a literal type
        }
        if (table !== null && Object.prototype.hasOwnProperty.call(names.tables, table)) {
          chains.push([table, ...posOf(sf, arg, isStr(arg) ? 1 : 0), chainOf(sf, node)]);
        }
      }
      const owner = node.expression.expression;
      if (PRISMA_CALLS.has(method) && ts.isPropertyAccessExpression(owner)
          && Object.prototype.hasOwnProperty.call(ACCESSORS, owner.name.text)) {
        const keys = [];
        objectKeys(sf, arg, keys);
        const top = arg && ts.isObjectLiteralExpression(arg)
          ? arg.properties.map((p) => propName(p)) : null;
        const hasSelect = top !== null && (top.includes("select") || top.includes("omit"));
        prisma.push([ACCESSORS[owner.name.text], ...posOf(sf, owner.name), PRISMA_ROWS.has(method),
          hasSelect, keys]);
      }
    }
    if (isStr(node) && CANDIDATES.has(node.text)) strings.push([node.text, ...posOf(sf, node, 1)]);
    ts.forEachChild(node, visit);
  }
  visit(sf);
  return { chains, prisma, strings };
}

function scanFile(checker, sf) {
  const uses = [];
  const add = (t, node, kind) => {
    if (!t) return;
    const pos = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    uses.push([t[0], t[1], t[2], pos.line + 1, pos.character + 1, kind]);
  };
  function visit(node) {
    if (ts.isPropertyAccessExpression(node)) {
      add(targetOfSymbol(checker, checker.getSymbolAtLocation(node.name)), node.name, "attribute");
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      const t = targetOfSymbol(checker, checker.getSymbolAtLocation(node.argumentExpression))
        || propertyOf(checker, checker.getTypeAtLocation(node.expression), node.argumentExpression.text);
      add(t, node.argumentExpression, "index");
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent) && !node.dotDotDotToken) {
      const key = node.propertyName || node.name;
      const name = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : null;
      if (name) add(propertyOf(checker, checker.getTypeAtLocation(node.parent), name), key, "destructure");
    } else if (ts.isObjectLiteralExpression(node)) {
      const ct = checker.getContextualType(node);
      if (ct) {
        for (const prop of node.properties) {
          if (!(ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop))) continue;
          const name = propName(prop);
          if (name) add(propertyOf(checker, ct, name), prop.name, "literal");
        }
      }
    } else if (ts.isImportSpecifier(node) || ts.isExportSpecifier(node)) {
      // `import { LiteLLM_X as Y }`: the import itself names the generated type.
      const id = node.propertyName || node.name;
      add(targetOfSymbol(checker, checker.getSymbolAtLocation(node.name)), id, "type");
    } else if (ts.isTypeReferenceNode(node)) {
      const id = ts.isQualifiedName(node.typeName) ? node.typeName.right : node.typeName;
      add(targetOfSymbol(checker, checker.getSymbolAtLocation(id)), id, "type");
    } else if (ts.isIndexedAccessTypeNode(node)) {
      const index = node.indexType;
      if (ts.isLiteralTypeNode(index) && ts.isStringLiteral(index.literal)) {
        const objectType = checker.getTypeFromTypeNode(node.objectType);
        const owner = targetOfType(checker, objectType);
        if (owner && owner[2] === "model") {
          add(propertyOf(checker, objectType, index.literal.text), index, "index");
        } else if (!ts.isIndexedAccessTypeNode(node.parent)) {
          add(targetOfType(checker, checker.getTypeFromTypeNode(node)), node, "type");
        }
      }
    } else if (ts.isStringLiteral(node) && !ts.isImportDeclaration(node.parent)
               && !ts.isExportDeclaration(node.parent) && !ts.isLiteralTypeNode(node.parent)) {
      const ct = checker.getContextualType(node);
      const t = ct && targetOfType(checker, ct);
      if (t && t[2] === "enum" && names.enums[t[0]].includes(node.text)) {
        add([t[0], node.text, "enum_value"], node, "enum");
      }
    }
    ts.forEachChild(node, visit);
  }
  visit(sf);
  return uses;
}

function projectFile(abs) {
  return abs.startsWith(root + path.sep) && !generated.has(abs)
    && !abs.split(path.sep).includes("node_modules");
}

function relOf(abs) {
  return path.relative(root, abs).split(path.sep).join("/");
}

// sf -> the project files (relative, sorted) its types come from directly: what it
// imports or references, and the global declarations of its Program.  The caller follows
// these edges through its cache to cover the whole import closure.
function dependencies(program, options, host) {
  const byPath = new Map(program.getSourceFiles().map((sf) => [path.resolve(sf.fileName), sf]));
  const cache = ts.createModuleResolutionCache(root, (x) => x, options);
  // Declarations visible without an import: scripts (no import/export) and .d.ts files.
  const globals = [...byPath.entries()]
    .filter(([abs, sf]) => projectFile(abs) && (sf.isDeclarationFile || !ts.isExternalModule(sf)))
    .map(([abs]) => abs);
  return (sf) => {
    const self = path.resolve(sf.fileName);
    const out = new Set(globals);
    const info = ts.preProcessFile(sf.text, true, true);
    for (const imp of info.importedFiles) {
      const r = ts.resolveModuleName(imp.fileName, sf.fileName, options, host, cache);
      if (r.resolvedModule) out.add(path.resolve(r.resolvedModule.resolvedFileName));
    }
    for (const ref of info.referencedFiles) out.add(path.resolve(path.dirname(sf.fileName), ref.fileName));
    out.delete(self);
    return [...out].filter(projectFile).map(relOf).sort();
  };
}

const groups = new Map();
for (const rel of input.files) {
  const abs = path.join(root, rel);
  const config = nearestConfig(abs);
  const key = config || "";
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(rel);
}

const results = {};
for (const [config, rels] of groups) {
  const options = optionsFor(config || null);
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile;
  const fileExists = host.fileExists;
  host.readFile = (p) => (inside(p) ? readFile.call(host, p) : undefined);
  host.fileExists = (p) => inside(p) && fileExists.call(host, p);
  host.realpath = (p) => p; // symlinks are not followed out of the tree
  const program = ts.createProgram(rels.map((r) => path.join(root, r)), options, host);
  const checker = program.getTypeChecker();
  const depsOf = dependencies(program, options, host);
  for (const rel of rels) {
    const sf = program.getSourceFile(path.join(root, rel));
    if (!sf) { results[rel] = { error: "not loaded by the TypeScript compiler" }; continue; }
    const diags = program.getSyntacticDiagnostics(sf);
    if (diags.length) {
      const d = diags[0];
      const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line + 1 : 1;
      results[rel] = { error: `line ${pos}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}` };
      continue;
    }
    try {
      results[rel] = { uses: scanFile(checker, sf), deps: depsOf(sf), ...databaseFacts(checker, sf) };
    } catch (e) {
      results[rel] = { error: `TypeScript scanner failed: ${e && e.message}` };
    }
  }
}
parentPort.postMessage(JSON.stringify({ results }));
