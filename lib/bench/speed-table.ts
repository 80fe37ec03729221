/**
 * The speed tables printed by `npm run bench` at the end of a run and written into the README by
 * `npm run readme-results`, both from a bench record (results/bench/<machine>.json), so that no
 * speed ratio in a document is typed by hand.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../errors";

/** What the bench adds to a measured cell: how it ran and how it compares with PyTorch. */
export interface SpeedFields {
  workload: string;
  replicas: number;
  backend: string;
  /** "wasm", "wasm x2", "wasm (models of 16)", "cpu", … */
  config: string;
  workers: number;
  msPerStep: number;
  modelStepsPerSecond: number;
  /** Minor page faults of the process per step (absent in records made before the bench counted them). */
  minorFaultsPerStep?: number;
  /** The fastest PyTorch using no more cores than this row: its ms per step, our speed over it, its configuration and page faults. */
  torchMsPerStep?: number;
  ratioToTorch?: number;
  torchConfig?: string;
  torchFaultsPerStep?: number;
  /** Our dense-product GFLOP/s and their fraction of the measured one-core sgemm rate times the cores used. */
  gflops?: number;
  fractionOfPeak?: number;
  /** Milliseconds per kernel name over one profiled step (absent in older records). */
  kernelMs?: Record<string, number>;
}

export interface BenchRecord {
  machine: { tag: string; cpus: number; model?: string; vectorExtensions?: string[] };
  code?: { commit: string | null; dirty: boolean | null };
  nativeKernels?: string;
  defaultWasmKernelSet?: string;
  date: string;
  options: { workloads: string[]; replicas: number[]; kernels?: string[] };
  benchSeconds: number;
  reference: { available: boolean; note: string; torchVersion?: string; sgemmPeak?: { gflops: number; config: string } };
  rows: SpeedFields[];
  failures: { workload: string; replicas: number; config: string; error: string }[];
}

const fixed = (x: number | undefined, d: number): string => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));
const percent = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? "–" : `${(100 * x).toFixed(0)} %`);
const ms = (x: number | undefined): string => (x === undefined ? "–" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One line per measured row: ours, the best PyTorch configuration, the ratio and the fraction of peak. */
export function speedTable(record: BenchRecord): string {
  const lines = [
    "| workload | R | ours | ms/step | faults/step | best PyTorch (allocator, BLAS core, threads) | PyTorch ms/step | PyTorch faults/step | ours ÷ PyTorch | product GFLOP/s | of peak |",
    "| --- | ---: | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of record.rows) {
    lines.push(`| ${r.workload} | ${r.replicas} | ${r.config} | ${ms(r.msPerStep)} | ${fixed(r.minorFaultsPerStep, 0)} | ${r.torchConfig?.replace(/\b1 threads$/, "1 thread") ?? "–"} | ${ms(r.torchMsPerStep)} | ${fixed(r.torchFaultsPerStep, 0)} | ${r.ratioToTorch === undefined ? "–" : `${fixed(r.ratioToTorch, 2)}×`} | ${fixed(r.gflops, 1)} | ${percent(r.fractionOfPeak)} |`);
  }
  return lines.join("\n") + "\n";
}

interface Target {
  what: string;
  goal: number;
  /** The rows the target is about; the target is met when the worst of them reaches the goal. */
  rows: (r: SpeedFields) => boolean;
  value: (r: SpeedFields) => number | undefined;
  unit: "ratio" | "fraction";
}

const census = (r: SpeedFields) => r.workload.startsWith("census-") && r.replicas >= 8 && r.backend === "wasm";

/** The speed this project aims for on a CPU machine, against PyTorch at its best configuration. */
export const SPEED_TARGETS: readonly Target[] = [
  { what: "census workloads, R ≥ 8, one core", goal: 1.0, rows: (r) => census(r) && r.workers === 1, value: (r) => r.ratioToTorch, unit: "ratio" },
  { what: "census workloads, R ≥ 8, both cores (our workers against PyTorch's better two-core arrangement)", goal: 1.5, rows: (r) => census(r) && r.workers > 1, value: (r) => r.ratioToTorch, unit: "ratio" },
  { what: "synthetic MMoE, R = 64, both cores", goal: 1.5, rows: (r) => r.workload === "synthetic-mmoe" && r.replicas === 64 && r.backend === "wasm" && r.workers > 1, value: (r) => r.ratioToTorch, unit: "ratio" },
  { what: "census products, R ≥ 8, one core: fraction of the one-core sgemm peak", goal: 0.3, rows: (r) => census(r) && r.workers === 1, value: (r) => r.fractionOfPeak, unit: "fraction" },
];

/** Where one step's time goes, per one-worker wasm row: the profiled step's total and its costliest kernels with their shares. */
export function profileTable(record: BenchRecord, top = 6): string {
  const lines = ["| workload | R | ours | profiled step, ms | costliest kernels (share of the profiled step) |", "| --- | ---: | --- | ---: | --- |"];
  for (const r of record.rows.filter((x) => x.kernelMs && x.workers === 1 && x.backend === "wasm")) {
    const entries = Object.entries(r.kernelMs!).sort((a, b) => b[1] - a[1]);
    const total = entries.reduce((a, [, ms]) => a + ms, 0);
    const shares = entries.slice(0, top).map(([name, ms]) => `${name} ${percent(ms / total)}`).join(", ");
    lines.push(`| ${r.workload} | ${r.replicas} | ${r.config} | ${ms(total)} | ${shares} |`);
  }
  return lines.join("\n") + "\n";
}

/** Each target, the range the record measured over its rows and whether the worst row reaches it. */
export function targetsTable(record: BenchRecord): string {
  const lines = ["| target | goal | measured (worst – best row) | reached |", "| --- | ---: | --- | --- |"];
  for (const t of SPEED_TARGETS) {
    const values = record.rows.filter(t.rows).map(t.value).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const show = (v: number) => (t.unit === "ratio" ? `${v.toFixed(2)}×` : percent(v));
    const range = values.length ? `${show(Math.min(...values))} – ${show(Math.max(...values))}` : "not measured";
    const reached = values.length ? (Math.min(...values) >= t.goal ? "yes" : "no") : "–";
    lines.push(`| ${t.what} | ${show(t.goal)} | ${range} | ${reached} |`);
  }
  return lines.join("\n") + "\n";
}

/** The run's circumstances in one paragraph: CPU, commit, kernels, the reference and the peak. */
export function recordHeader(record: BenchRecord, file: string): string {
  const code = record.code?.commit ? `commit ${record.code.commit.slice(0, 7)}${record.code.dirty ? " (modified tree)" : ""}` : "commit unknown";
  const peak = record.reference.sgemmPeak ? `one core's float32 product rate (2048³) measured in the same run: ${record.reference.sgemmPeak.gflops.toFixed(0)} GFLOP/s (${record.reference.sgemmPeak.config})` : "no sgemm peak measured";
  return `\`${file}\`: ${record.machine.cpus} × ${record.machine.model ?? "CPU"} (${(record.machine.vectorExtensions ?? []).join(" ")}), ${record.date.slice(0, 10)}, ${code}, native kernels ${record.nativeKernels ?? "–"}; ${record.reference.note}; ${peak}; ${Math.round(record.benchSeconds / 60)} min in all.\n`;
}

/** The newest record under results/bench/ whose rows carry a kernel profile, or null. */
export function profileRecord(root: string): { file: string; record: BenchRecord } | null {
  return newestRecord(root, (r) => r.rows.some((x) => x.kernelMs));
}

function readRecord(file: string): BenchRecord {
  try {
    const r = JSON.parse(fs.readFileSync(file, "utf8")) as BenchRecord;
    if (typeof r.date !== "string" || !Array.isArray(r.rows) || typeof r.reference !== "object" || r.reference === null || !Array.isArray(r.options?.workloads)) throw new Error("fields date, rows, reference or options.workloads missing");
    return r;
  } catch (e) {
    throw new UserError(`${file} is not a readable bench record (${(e as Error).message}); restore it with \`git checkout -- ${file}\` or write it again with \`npm run bench\``);
  }
}

/** The newest record (by its date) under results/bench/ that `wanted` accepts, or null. */
function newestRecord(root: string, wanted: (r: BenchRecord) => boolean): { file: string; record: BenchRecord } | null {
  const dir = path.join(root, "results", "bench");
  if (!fs.existsSync(dir)) return null;
  const records = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => ({ file: path.join("results", "bench", f), record: readRecord(path.join(dir, f)) }));
  return records.filter((r) => wanted(r.record)).sort((a, b) => b.record.date.localeCompare(a.record.date))[0] ?? null;
}

/** Whether a record measured what the README's speed section needs: every workload, a PyTorch reference and the sgemm peak. */
function complete(record: BenchRecord): boolean {
  return record.reference.available && record.reference.sgemmPeak !== undefined && ["synthetic-mmoe", "census-adatt", "census-sb"].every((w) => record.options.workloads.includes(w));
}

/** The newest complete record under results/bench/ (the README's speed section is generated from it), or null. */
export function headlineRecord(root: string): { file: string; record: BenchRecord } | null {
  return newestRecord(root, complete);
}

const NO_RECORD = "No complete bench record (every workload, with the PyTorch reference and the sgemm peak) is committed under `results/bench/` yet: run `npm run bench`.\n";

/** The README's speed section: the headline record's circumstances and the speed targets. */
export function speedSummary(root: string): string {
  const head = headlineRecord(root);
  if (!head) return NO_RECORD;
  const ratios = head.record.rows.filter((r) => r.backend === "wasm" && r.replicas >= 8 && r.ratioToTorch !== undefined).map((r) => r.ratioToTorch!);
  const range = ratios.length ? `**At R ≥ 8 we train at ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}× PyTorch's best speed** (above 1 means we train faster). ` : "";
  return [recordHeader(head.record, head.file), `${range}Targets (the worst row of each must reach the goal):\n`, targetsTable(head.record)].join("\n");
}

/** Every row of the headline record (docs/kernels-and-performance.md). */
export function speedRows(root: string): string {
  const head = headlineRecord(root);
  if (!head) return NO_RECORD;
  return [
    recordHeader(head.record, head.file),
    "ms per step of all R replicas; faults = minor page faults per step; ours ÷ PyTorch above 1 means we train faster; product GFLOP/s counts the dense products' multiply-adds of forward and backward (`productFlopsPerStep` in `lib/bench/workloads.ts`), and \"of peak\" divides it by the sgemm rate times the cores the row uses.\n",
    speedTable(head.record),
    ...profileSection(root),
  ].join("\n");
}

function profileSection(root: string): string[] {
  const p = profileRecord(root);
  if (!p) return [];
  return [
    `Where a step's time goes: every kernel of one profiled step (\`tf.profile\`: forward, gradients and Adam), from \`${p.file}\` (${p.record.date.slice(0, 10)}, commit ${p.record.code?.commit?.slice(0, 7) ?? "unknown"}).\n`,
    profileTable(p.record),
  ];
}
