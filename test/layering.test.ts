/**
 * The layout's two rules, checked on the source: no import cycle anywhere in lib/ (static
 * imports, `import()` and `require()` with a literal path, type-only imports included), and no
 * generic layer importing a study (the engine receives experiments, it does not import them).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { projectRoot } from "mtl-lab";

const LIB = path.join(projectRoot(), "lib");
const GENERIC = ["engine", "models", "data", "figures", "tables", "claims", "notebook", "bench", "stats", "decide"];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "dist" || e.name === "node_modules" ? [] : sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Relative module specifiers of a file, resolved to .ts files of lib/. */
export function importsOf(file: string, text = fs.readFileSync(file, "utf8")): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm)].map((m) => m[1]);
  return specs
    .filter((s) => s.startsWith("."))
    .map((s) => {
      const base = path.resolve(path.dirname(file), s);
      const found = [`${base}.ts`, path.join(base, "index.ts")].find((c) => fs.existsSync(c));
      assert.ok(found, `${path.relative(LIB, file)} imports ${s}, which is not a .ts file of lib/`);
      return found;
    });
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, "open");
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === "open") return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, "done");
    return null;
  };
  for (const n of graph.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return null;
}

const graph = new Map(sources(LIB).map((f) => [f, importsOf(f)]));
const rel = (f: string) => path.relative(LIB, f);

test("no import cycle anywhere in lib/", () => {
  const cycle = findCycle(graph);
  assert.equal(cycle, null, `import cycle: ${cycle?.map(rel).join(" → ")}`);
});

test("the cycle finder finds a planted cycle (dynamic import included)", () => {
  const a = path.join(LIB, "engine", "runner.ts");
  const planted = new Map(graph);
  const study = path.join(LIB, "studies", "mmoe-synthetic", "notebook.ts");
  assert.ok(planted.get(study)!.includes(path.join(LIB, "engine", "notebook-load.ts")));
  planted.set(a, [...planted.get(a)!, ...importsOf(a, `const s = await import("../studies/mmoe-synthetic/notebook");`)]);
  const notebookLoad = path.join(LIB, "engine", "notebook-load.ts");
  assert.ok(planted.get(notebookLoad)!.includes(a));
  assert.notEqual(findCycle(planted), null);
});

test("no generic layer imports a study; studies import no other study", () => {
  const offenders: string[] = [];
  for (const [file, deps] of graph) {
    const layer = rel(file).split(path.sep)[0];
    for (const d of deps) {
      const target = rel(d).split(path.sep);
      if (target[0] !== "studies") continue;
      if (GENERIC.includes(layer)) offenders.push(`${rel(file)} imports ${rel(d)}`);
      const from = rel(file).split(path.sep);
      if (from[0] === "studies" && from.length > 2 && target.length > 2 && from[1] !== target[1]) offenders.push(`${rel(file)} imports another study: ${rel(d)}`);
    }
  }
  assert.deepEqual(offenders, []);
});

/** Imports of `layer` files that reach into one of `below`'s forbidden layers. */
function importsInto(layer: string, forbidden: string[], g = graph): string[] {
  const out: string[] = [];
  for (const [file, deps] of g) {
    if (rel(file).split(path.sep)[0] !== layer) continue;
    for (const d of deps) if (forbidden.includes(rel(d).split(path.sep)[0])) out.push(`${rel(file)} imports ${rel(d)}`);
  }
  return out;
}

test("lib/data sits below the engine and the models: it imports neither", () => {
  assert.deepEqual(importsInto("data", ["engine", "models"]), []);
  // the rule sees a planted offender
  const planted = new Map(graph);
  const census = path.join(LIB, "data", "census-checks.ts");
  planted.set(census, [...planted.get(census)!, path.join(LIB, "engine", "metrics.ts")]);
  assert.equal(importsInto("data", ["engine", "models"], planted).length, 1);
});

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

/** Files of `layer` that call the kernel installer (its definition and re-export aside). */
function installers(files: Iterable<string>, read: (f: string) => string = (f) => fs.readFileSync(f, "utf8")): string[] {
  return [...files].filter((f) => !f.endsWith(path.join("models", "wasm-kernels.ts")) && /\buseFastWasmKernels\s*\(/.test(withoutComments(read(f)))).map(rel);
}

test("building a model installs no kernels: no file of lib/models calls the installer; backend start-up does", () => {
  const models = [...graph.keys()].filter((f) => rel(f).startsWith(`models${path.sep}`));
  assert.deepEqual(installers(models), []);
  assert.deepEqual(installers([path.join(LIB, "backend.ts")]), ["backend.ts"]);
  const planted = path.join(LIB, "models", "params.ts");
  assert.deepEqual(installers([planted], () => "  useFastWasmKernels(); // planted"), [rel(planted)], "the rule sees a planted call");
});
