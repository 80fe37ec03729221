/**
 * `npm run bench [-- options]`: training speed of the three benchmark workloads (lib/bench/workloads.ts)
 * at several replica counts on every available backend, beside a PyTorch reference of the same
 * workloads (bench/reference.py, run when /usr/bin/python3 can import torch).
 * Prints a table (last line: the ratios to PyTorch) and writes results/bench/<machine-tag>.json.
 *
 * Every cell runs in a fresh worker thread (fresh backend, its own memory); "×W" rows split the R
 * replicas over W workers running at once (wasm is single-threaded in Node, so this is how a run
 * uses more than one core), and are compared with the faster PyTorch of 1 and W threads.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { projectRoot, writeFileAtomic } from "../project";
import { codeRevision } from "../provenance";
import { nativeAddonStatus } from "../kernels/native-addon";
import { BACKENDS, initBackend, type BackendName } from "../backend";
import { DataError } from "../data/errors";
import { UserError } from "../errors";
import { aptCommand, aptInstall } from "../system/apt";
import { cpuLine, describeCpu } from "../system/cpu";
import { intOption, parseCli, pathOption, runCli, UsageError } from "./args";
import type { CellResult, CellSpec } from "../bench/measure";
import { productFlopsPerStep, WORKLOAD_NAMES, WORKLOADS, type WorkloadName } from "../bench/workloads";
import { ALLOCATOR_LIBRARIES, OPENBLAS, configLabel, fastest, referenceBlas, referenceConfigs, referenceEnv, shareReplicas } from "../bench/reference-configs";
import { speedTable, targetsTable, type SpeedFields } from "../bench/speed-table";
import { defaultKernelSet, KERNEL_SETS, kernelSet, type KernelSet } from "../kernels/sets";

const USAGE = `usage: npm run bench -- [--workloads a,b] [--replicas 1,8,64] [--backends wasm,cpu]
       [--workers W] [--kernels a,b] [--seconds S] [--repeats N] [--no-reference] [--out FILE]
  --workloads  ${WORKLOAD_NAMES.join(", ")} (default all)
  --replicas   replica counts R (default 1,8,64)
  --backends   backends to measure (default: every one that starts; cpu only at R = 1)
  --workers    also run wasm with R split over W worker threads (default: cores, 0 = off)
  --kernels    wasm kernel sets to compare, rows "wasm <set>" (${KERNEL_SETS.join(", ")};
               default: the one MTL_KERNELS names, native where its addon built, else sparse-sum-dw-mix). Several sets are
               measured on the same model in the same workers, their timed windows interleaved
               (A B C, B C A, …), so that each sees the same load on a shared machine
  --seconds    seconds per timed window (default 2); --repeats windows per cell (default 3, median)
  --no-reference  skip the PyTorch reference`;

interface Options {
  workloads: WorkloadName[];
  replicas: number[];
  backends: BackendName[] | null;
  workers: number;
  kernels: KernelSet[];
  seconds: number;
  repeats: number;
  reference: boolean;
  out?: string;
}

const list = (value: string) => value.split(",").map((x) => x.trim()).filter((x) => x !== "");

function parseOptions(argv: string[]): Options {
  const { values: v } = parseCli(argv, {
    workloads: { type: "string" }, replicas: { type: "string" }, backends: { type: "string" }, workers: { type: "string" },
    seconds: { type: "string" }, repeats: { type: "string" }, "no-reference": { type: "boolean" }, out: { type: "string" },
    kernels: { type: "string" },
  });
  const oneOf = <T extends string>(values: string[], valid: readonly T[], flag: string): T[] => {
    const bad = values.filter((x) => !(valid as readonly string[]).includes(x));
    if (bad.length || values.length === 0) throw new UsageError(`${flag}: unknown ${bad.join(", ") || "(empty)"}; valid: ${valid.join(", ")}`);
    return values as T[];
  };
  const seconds = v.seconds === undefined ? 2 : Number(v.seconds);
  if (!(seconds > 0 && seconds <= 600)) throw new UsageError(`--seconds must be a number of seconds in (0, 600], got "${v.seconds}"`);
  return {
    workloads: v.workloads === undefined ? [...WORKLOAD_NAMES] : oneOf(list(v.workloads), WORKLOAD_NAMES, "--workloads"),
    replicas: v.replicas === undefined ? [1, 8, 64] : list(v.replicas).map((r) => intOption(r, "--replicas", 1, 4096)),
    backends: v.backends === undefined ? null : oneOf(list(v.backends), BACKENDS, "--backends"),
    workers: v.workers === undefined ? Math.min(os.cpus().length, 8) : intOption(v.workers, "--workers", 0, 256),
    kernels: v.kernels === undefined ? [kernelSet()] : oneOf(list(v.kernels), KERNEL_SETS, "--kernels"),
    seconds,
    repeats: v.repeats === undefined ? 3 : intOption(v.repeats, "--repeats", 1, 100),
    reference: !v["no-reference"],
    out: pathOption(v.out, "--out", "/tmp/bench.json"),
  };
}

/** Replicas per model when a cell exceeds the wasm heap (census AdaTT-sp at R = 64: ≈ 4.4 GB in one model). */
const HEAP_CHUNK = 16;
/** How a wasm heap overflow surfaces from tfjs-backend-wasm. */
const HEAP_FAILURE = /out of bounds|out of memory|Cannot enlarge memory|Aborted/i;

/** Runs one cell in a new worker thread (MTL_KERNELS = kernels there). */
function inWorker(backend: BackendName, spec: CellSpec, kernels: KernelSet): Promise<CellResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MTL_KERNELS: kernels };
    const w = new Worker(path.join(__dirname, "..", "bench", "worker.js"), { workerData: { backend, spec }, env });
    w.once("message", (m: CellResult | { error: string }) => {
      void w.terminate();
      if ("error" in m) reject(new Error(m.error));
      else resolve(m);
    });
    w.once("error", reject);
  });
}

/** A measured cell as the bench records it (the comparison fields are documented on SpeedFields). */
interface Row extends CellResult, Omit<SpeedFields, keyof CellResult> {
  /** The wasm kernel set (MTL_KERNELS) of a wasm row. */
  kernels?: KernelSet;
}

/** W workers with R/W replicas each, started together; throughput adds up, ms/step is per R-step. */
async function cell(backend: BackendName, workload: WorkloadName, R: number, W: number, kernels: KernelSet[], o: Options, chunk?: number): Promise<Row[]> {
  const base = { workload, seconds: o.seconds, minSteps: 3, repeats: o.repeats, readEvery: 100, ...(kernels.length > 1 ? { kernelSets: kernels } : {}), ...(chunk ? { chunk } : {}) };
  const parts = shareReplicas(R, W);
  let first = 1;
  const results = await Promise.all(parts.map((r) => {
    const spec: CellSpec = { ...base, replicas: r, firstSeed: first };
    first += r;
    return inWorker(backend, spec, kernels[0]);
  }));
  const row = (k: KernelSet, runsOf: (x: CellResult) => number[]): Row => {
    const sps = results.reduce((a, x) => a + (x.replicas * 1000) / median(runsOf(x)), 0);
    const r0 = results[0];
    return {
      ...r0,
      replicas: R,
      config: configName(backend, k, parts.length) + (r0.chunk ? ` (models of ${r0.chunk})` : ""),
      ...(backend === "wasm" ? { kernels: k } : {}),
      workers: parts.length,
      msPerStep: (R * 1000) / sps,
      msPerStepRuns: results.flatMap(runsOf),
      modelStepsPerSecond: sps,
      peakTensorBytes: results.reduce((a, x) => a + x.peakTensorBytes, 0),
      rssBytes: Math.max(...results.map((x) => x.rssBytes)),
      // workers run at once in one process, so each saw every fault of the R-step: their mean, not their sum
      minorFaultsPerStep: results.reduce((a, x) => a + x.minorFaultsPerStep, 0) / results.length,
      tensorsLeaked: results.reduce((a, x) => a + x.tensorsLeaked, 0),
      bySet: undefined,
      kernelMs: r0.kernelMs, // the first worker's profiled step: the others run the same model on their share
    };
  };
  return kernels.length > 1 ? kernels.map((k) => row(k, (x) => x.bySet![k])) : [row(kernels[0], (x) => x.msPerStepRuns)];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "wasm", "wasm x2", "wasm sparse x2": the kernel set is named unless it is the default. */
function configName(backend: BackendName, kernels: KernelSet, W: number): string {
  return `${backend}${backend === "wasm" && kernels !== defaultKernelSet() ? ` ${kernels}` : ""}${W > 1 ? ` x${W}` : ""}`;
}

/** Backends that start in this process (each cell still gets its own worker). */
async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const b of ["tensorflow", "wasm", "cpu"] as BackendName[]) {
    try {
      await initBackend(b);
      out.push(b);
    } catch (e) {
      if (!(e instanceof UserError)) throw e; // "could not start": not installed here, measure the others
    }
  }
  return out;
}

interface TorchResult {
  workload: WorkloadName;
  replicas: number;
  threads: number;
  msPerStep: number;
  modelStepsPerSecond: number;
  minorFaultsPerStep: number;
  /** "threads": one process with `threads` threads; "processes": that many one-thread processes sharing the replicas. */
  arrangement: "threads" | "processes";
  config: string;
}

interface Reference {
  available: boolean;
  note: string;
  torchVersion?: string;
  /** The best of every configuration per cell (workload, R, threads). */
  results: TorchResult[];
  /** Every measurement, for the record. */
  tried: TorchResult[];
  /** float32 product rate of one core, GFLOP/s (the best configuration), and how it was measured. */
  sgemmPeak?: { gflops: number; config: string };
}

const PYTHON = "/usr/bin/python3";

const TORCH_PACKAGES = ["python3-torch"];

function torchVersion(): string | null {
  const probe = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

/** One reference process; resolves to its JSON output. */
function referenceProcess(args: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(projectRoot(), "bench", "reference.py"), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`reference.py failed: ${err.trim().split("\n").slice(-3).join(" / ")}`))));
  });
}

/**
 * Measures every reference cell under every configuration this machine offers
 * (lib/bench/reference-configs.ts), each in a fresh process, and keeps the fastest per cell; with
 * W > 1 cores also W one-thread processes sharing the replicas. Without PyTorch it installs
 * Debian's python3-torch where it can (root), else stops with the command: a bench without its
 * reference would print no ratio, which is the number the bench exists for.
 */
async function runReference(o: Options, threads: number[], censusFile: string | null): Promise<Reference> {
  if (!fs.existsSync(PYTHON)) throw new UserError(`${PYTHON} not found: the PyTorch reference needs Debian's python3. Install as root: ${aptCommand(["python3", ...TORCH_PACKAGES])}; or pass --no-reference to measure without ratios`);
  let version = torchVersion();
  if (version === null && aptInstall(TORCH_PACKAGES)) version = torchVersion();
  if (version === null) throw new UserError(`PyTorch is not importable by ${PYTHON}: the bench's reference needs it. Install as root: ${aptCommand(TORCH_PACKAGES)}; or pass --no-reference to measure without ratios`);
  const missing = [...Object.values(ALLOCATOR_LIBRARIES), OPENBLAS].filter((l) => !fs.existsSync(l.file)).map((l) => l.package);
  if (missing.length && !aptInstall(missing)) console.log(`reference: ${missing.join(", ")} not installed (as root: ${aptCommand(missing)}); PyTorch is measured without them`);
  const blas = referenceBlas();
  const configs = referenceConfigs();
  const common = ["--seconds", String(o.seconds), "--repeats", String(o.repeats), ...(censusFile ? ["--census", censusFile] : [])];
  const tried: TorchResult[] = [];
  const peaks: { gflops: number; config: string }[] = [];
  try {
    for (const c of configs) {
      const peak = (await referenceProcess(["--sgemm-peak", "--threads", "1"], referenceEnv(c, 1))) as { gflops: number };
      peaks.push({ gflops: peak.gflops, config: configLabel(c) });
      for (const w of o.workloads) {
        for (const R of o.replicas) {
          for (const t of threads) {
            const [r] = (await referenceProcess(["--workloads", w, "--replicas", String(R), "--threads", String(t), ...common], referenceEnv(c, t))) as TorchResult[];
            tried.push({ ...r, arrangement: "threads", config: configLabel(c) });
            const shares = shareReplicas(R, t);
            if (t > 1 && shares.length === t) {
              // t one-thread processes at once, each on its share of the replicas: their throughputs add up
              const parts = (await Promise.all(shares.map((s) => referenceProcess(["--workloads", w, "--replicas", String(s), "--threads", "1", ...common], referenceEnv(c, 1))))) as TorchResult[][];
              const stepsPerSecond = parts.reduce((a, [p]) => a + p.modelStepsPerSecond, 0);
              tried.push({ workload: w, replicas: R, threads: t, msPerStep: (R * 1000) / stepsPerSecond, modelStepsPerSecond: stepsPerSecond,
                minorFaultsPerStep: parts.reduce((a, [p]) => a + p.minorFaultsPerStep, 0), arrangement: "processes", config: configLabel(c) });
            }
          }
        }
      }
    }
  } catch (e) {
    return { available: false, note: (e as Error).message, results: [], tried };
  }
  const results = o.workloads.flatMap((w) => o.replicas.flatMap((R) => threads.map((t) => fastest(tried.filter((r) => r.workload === w && r.replicas === R && r.threads === t))!)));
  const best = peaks.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { available: true, note: `PyTorch ${version} CPU on ${blas}, best of ${configs.map(configLabel).join("; ")} per cell, each in a fresh process; threads ${threads.join(", ")} (and ${threads.filter((t) => t > 1).join(", ") || "no"} one-thread processes sharing the replicas)`, torchVersion: version, results, tried, sgemmPeak: best };
}

/** Writes the census inputs the reference reads (raw float32/int32, shapes in a JSON header). */
function exportCensus(dir: string): string {
  const { censusTrainData } = require("../bench/workloads") as typeof import("../bench/workloads");
  const d = censusTrainData();
  const s = d.splits[0];
  const file = path.join(dir, "census-adatt-train.bin");
  const header = Buffer.from(JSON.stringify({ rows: s.rows, numeric: d.input.numeric, categorical: d.input.categorical, tasks: d.tasks.length }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  fs.writeFileSync(file, Buffer.concat([len, header, Buffer.from(s.numeric.buffer, s.numeric.byteOffset, s.numeric.byteLength),
    Buffer.from(s.categorical!.buffer, s.categorical!.byteOffset, s.categorical!.byteLength),
    Buffer.from(s.labels.buffer, s.labels.byteOffset, s.labels.byteLength)]));
  return file;
}

function machineTag(): string {
  const cpu = (os.cpus()[0]?.model ?? "cpu").toLowerCase().replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, "").trim().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return `${os.cpus().length}c-${cpu}`;
}

const f = (x: number | undefined, d = 1): string => (x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(d));

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const t0 = performance.now();
  const backends = o.backends ?? (await availableBackends());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mtl-bench-"));
  if (o.workloads.some((w) => w !== "synthetic-mmoe")) {
    try {
      (require("../bench/workloads") as typeof import("../bench/workloads")).censusTrainData();
    } catch (e) { // no census files here: measure the synthetic workload, say why the others are missing
      if (!(e instanceof DataError)) throw e;
      console.log(`census workloads skipped: ${String((e as Error).message).split(" — ")[0]} (set CENSUS_INCOME_DIR)`);
      o.workloads = o.workloads.filter((w) => w === "synthetic-mmoe");
    }
  }
  const needsCensus = o.workloads.some((w) => w !== "synthetic-mmoe");
  const threads = [1, ...(o.workers > 1 ? [o.workers] : [])];
  const cpu = describeCpu();
  const native = nativeAddonStatus();
  const code = codeRevision();
  console.log(`mtl-lab bench: ${cpuLine(cpu)}; tfjs ${tf.version.tfjs}; backends ${backends.join(", ")}; native kernels: ${native.reason}`);
  if (code.dirty !== false) console.log(`  note: the tree is not a clean commit (${code.commit ?? "no git"}${code.dirty ? ", modified" : ""}): commit before recording results`);
  for (const w of o.workloads) console.log(`  ${w}: ${WORKLOADS[w].describe}`);

  // PyTorch first, then tfjs: both within minutes on the same machine
  const ref: Reference = o.reference ? await runReference(o, threads, needsCensus && o.reference ? exportCensus(tmp) : null) : { available: false, note: "skipped (--no-reference)", results: [], tried: [] };
  console.log(`reference: ${ref.note}`);
  if (ref.sgemmPeak) console.log(`sgemm peak, one core: ${ref.sgemmPeak.gflops.toFixed(0)} GFLOP/s (${ref.sgemmPeak.config})`);
  fs.rmSync(tmp, { recursive: true, force: true });

  const rows: Row[] = [];
  const failures: { workload: WorkloadName; replicas: number; config: string; error: string }[] = [];
  for (const workload of o.workloads) {
    for (const R of o.replicas) {
      const configs: [BackendName, number, KernelSet[]][] = [];
      for (const b of backends) {
        if (b === "cpu" && R > 1) continue; // the pure-JS backend is 20-40x slower than wasm: minutes per cell beyond R = 1
        const sets: KernelSet[] = b === "wasm" ? o.kernels : [defaultKernelSet()]; // several: interleaved in the same workers
        configs.push([b, 1, sets]);
        if (b === "wasm" && o.workers > 1 && R > 1) configs.push([b, o.workers, sets]);
      }
      for (const [b, W, sets] of configs) {
        let cellRows: Row[] | undefined;
        const canChunk = b === "wasm" && R / W > HEAP_CHUNK;
        for (const chunk of canChunk ? [undefined, HEAP_CHUNK] : [undefined]) {
          try {
            cellRows = await cell(b, workload, R, W, sets, o, chunk);
            break;
          } catch (e) { // e.g. the 4 GB wasm heap at census R = 64: record it, retry in models of HEAP_CHUNK replicas, measure the rest
            const error = String((e as Error).message).split("\n")[0];
            const config = sets.map((k) => configName(b, k, W)).join(" / ") + (chunk ? ` (models of ${chunk})` : "");
            const retry = canChunk && chunk === undefined && HEAP_FAILURE.test(error);
            console.log(`  ${workload.padEnd(15)} R=${String(R).padEnd(3)} ${config}: failed: ${error}${retry ? `; retrying as models of ${HEAP_CHUNK} replicas` : ""}`);
            failures.push({ workload, replicas: R, config, error });
            if (!retry) break;
          }
        }
        if (!cellRows) continue;
        for (const row of cellRows) {
          // the fastest PyTorch with at most as many threads as this config uses cores (torch with
          // 2 threads was slower than with 1 on the shared machine: comparing with it would flatter us)
          const torch = ref.results.filter((t) => t.workload === workload && t.replicas === R && t.threads <= row.workers)
            .sort((x, y) => x.msPerStep - y.msPerStep)[0];
          if (torch) {
            row.torchMsPerStep = torch.msPerStep;
            row.ratioToTorch = row.modelStepsPerSecond / torch.modelStepsPerSecond;
            row.torchConfig = `${torch.config}, ${torch.threads} ${torch.arrangement === "threads" && torch.threads === 1 ? "thread" : torch.arrangement}`;
            row.torchFaultsPerStep = torch.minorFaultsPerStep;
          }
          const numeric = workload === "synthetic-mmoe" ? 100 : (require("../bench/workloads") as typeof import("../bench/workloads")).censusTrainData().input.numeric;
          row.gflops = productFlopsPerStep(WORKLOADS[workload], numeric, R) / row.msPerStep / 1e6;
          if (ref.sgemmPeak) row.fractionOfPeak = row.gflops / (ref.sgemmPeak.gflops * row.workers);
          rows.push(row);
          console.log(`  ${workload.padEnd(15)} R=${String(R).padEnd(3)} ${row.config.padEnd(16)} ${f(row.msPerStep, 2).padStart(9)} ms/step` +
            ` ${f(row.modelStepsPerSecond, 0).padStart(7)} model-steps/s  peak ${f(row.peakTensorBytes / 2 ** 20)} MB` +
            `  leaked ${row.tensorsLeaked}  torch ${f(row.torchMsPerStep, 2)} ms  ratio ${f(row.ratioToTorch, 2)}`);
        }
      }
    }
  }

  const best = (w: WorkloadName, R: number, single: boolean): Row | undefined =>
    rows.filter((r) => r.workload === w && r.replicas === R && (single ? r.workers === 1 : true) && r.ratioToTorch !== undefined)
      .sort((a, b) => b.modelStepsPerSecond - a.modelStepsPerSecond)[0];
  const Rmax = Math.max(...o.replicas);
  const out = o.out ?? path.join(projectRoot(), "results", "bench", `${machineTag()}.json`);
  const seconds = (performance.now() - t0) / 1000;
  const record = {
    machine: { tag: machineTag(), cpus: os.cpus().length, model: os.cpus()[0]?.model, vectorExtensions: cpu.vector, memoryBytes: os.totalmem(), node: process.version },
    tfjs: tf.version.tfjs, code, nativeKernels: native.reason, defaultWasmKernelSet: defaultKernelSet(),
    date: new Date().toISOString(), options: o, benchSeconds: seconds, reference: ref, rows, failures,
  };
  writeFileAtomic(out, `${JSON.stringify(record, null, 1)}\n`);
  console.log(`\n${speedTable(record)}\n${ref.available ? targetsTable(record) : ""}`);
  console.log(`wrote ${path.relative(process.cwd(), out)} (${seconds.toFixed(0)} s)`);
  const ratios = o.workloads.map((w) => {
    const s = best(w, Rmax, true) ?? best(w, Math.max(...rows.filter((r) => r.workload === w).map((r) => r.replicas)), true);
    const m = s && best(w, s.replicas, false);
    return `${w}${s && s.replicas !== Rmax ? ` (R=${s.replicas})` : ""} ${f(s?.ratioToTorch, 2)}x` + (m && m !== s ? ` (${m.config}: ${f(m.ratioToTorch, 2)}x)` : "");
  });
  console.log(`ratio to PyTorch at R=${Rmax} (tfjs model-steps/s ÷ torch, same threads): ${ref.available ? ratios.join("; ") : `n/a — ${ref.note}`}`);
}

runCli(USAGE, async () => {
  await main();
  return 0;
});
