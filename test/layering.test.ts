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
const GENERIC = ["engine", "models", "kernels", "data", "figures", "tables", "claims", "stats", "decide", "notebook", "bench"];

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
  assert.ok(planted.get(study)!.includes(path.join(LIB, "engine", "report", "notebook-load.ts")));
  planted.set(a, [...planted.get(a)!, ...importsOf(a, `const s = await import("../studies/mmoe-synthetic/notebook");`)]);
  const notebookLoad = path.join(LIB, "engine", "report", "notebook-load.ts");
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
  planted.set(census, [...planted.get(census)!, path.join(LIB, "engine", "train", "metrics.ts")]);
  assert.equal(importsInto("data", ["engine", "models"], planted).length, 1);
});

const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

/** Files that call the kernel installer (its definition aside). */
function installers(files: Iterable<string>, read: (f: string) => string = (f) => fs.readFileSync(f, "utf8")): string[] {
  return [...files].filter((f) => !f.endsWith(path.join("kernels", "install.ts")) && /\binstallKernels\s*\(/.test(withoutComments(read(f)))).map(rel);
}

test("building a model installs no kernels: no file of lib/models calls the installer; backend start-up does", () => {
  const models = [...graph.keys()].filter((f) => rel(f).startsWith(`models${path.sep}`));
  assert.deepEqual(installers(models), []);
  assert.deepEqual(installers([path.join(LIB, "backend.ts")]), ["backend.ts"]);
  const planted = path.join(LIB, "models", "params.ts");
  assert.deepEqual(installers([planted], () => "  installKernels(); // planted"), [rel(planted)], "the rule sees a planted call");
});

/** Imports from `files` into lib/kernels other than its named ops. */
function kernelStateImports(files: string[], g = graph): string[] {
  const ops = path.join(LIB, "kernels", "ops.ts");
  return files.flatMap((f) => (g.get(f) ?? []).filter((d) => rel(d).startsWith(`kernels${path.sep}`) && d !== ops).map((d) => `${rel(f)} imports ${rel(d)}`));
}

test("models and the engine's Adam reach the kernels through the named ops only; the kernels, Adam and the backend import no model", () => {
  const models = [...graph.keys()].filter((f) => rel(f).startsWith(`models${path.sep}`));
  const adam = path.join(LIB, "engine", "train", "adam.ts");
  assert.deepEqual(kernelStateImports([...models, adam]), []);
  const kernels = [...graph.keys()].filter((f) => rel(f).startsWith(`kernels${path.sep}`));
  assert.deepEqual(importsInto("kernels", ["models", "engine", "data", "studies"]), []);
  const intoModels = [adam, path.join(LIB, "backend.ts"), ...kernels].flatMap((f) => graph.get(f)!.filter((d) => rel(d).startsWith(`models${path.sep}`)).map((d) => `${rel(f)} imports ${rel(d)}`));
  assert.deepEqual(intoModels, []);
  // the rule sees a model reaching past the ops
  const planted = new Map(graph);
  const blocks = path.join(LIB, "models", "blocks.ts");
  planted.set(blocks, [...planted.get(blocks)!, path.join(LIB, "kernels", "install.ts")]);
  assert.deepEqual(kernelStateImports([blocks], planted), ["models/blocks.ts imports kernels/install.ts"]);
});

/** The folder graph: lib/X/… is node X, a file directly in lib/ is its own node; an edge per import between two nodes. */
export function folderGraph(g: Map<string, string[]> = graph): Map<string, string[]> {
  const node = (f: string) => rel(f).split(path.sep)[0];
  const out = new Map<string, Set<string>>();
  for (const [file, deps] of g) {
    const from = node(file);
    if (!out.has(from)) out.set(from, new Set());
    for (const d of deps) if (node(d) !== from) out.get(from)!.add(node(d));
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

test("no import cycle between the folders of lib/ either (a file-level acyclic graph can still tie two folders together)", () => {
  const cycle = findCycle(folderGraph());
  assert.equal(cycle, null, `folder cycle: ${cycle?.join(" → ")}`);
  // the rule sees a planted folder cycle that no file cycle shows: tables/runs-frame.ts importing an engine type
  const planted = new Map(graph);
  const frame = path.join(LIB, "tables", "runs-frame.ts");
  planted.set(frame, [...planted.get(frame)!, path.join(LIB, "engine", "store", "run-record.ts")]);
  assert.equal(findCycle(planted), null, "no file-level cycle");
  assert.notEqual(findCycle(folderGraph(planted)), null);
});

test("statistics need no engine: lib/stats and lib/claims import nothing from lib/engine", () => {
  assert.deepEqual([...importsInto("stats", ["engine"]), ...importsInto("claims", ["engine"])], []);
});
