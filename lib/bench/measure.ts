/**
 * One benchmark cell: a workload at R replicas on the current backend, trained exactly as
 * lib/engine/train/trainer.ts trains (backend-side minibatch gather from a seeded epoch order,
 * variableGrads of the summed per-replica losses, ReplicaAdam, losses accumulated on the
 * backend and read to the host only every `readEvery` steps). Timing is wall clock over whole
 * steps after a warm-up; the median of `repeats` timed windows is reported.
 *
 * `chunk` trains the R replicas as several models of at most `chunk` replicas each, one after the
 * other in every step (replica chunking: replicas share nothing, so this changes only speed and
 * memory). It is how census AdaTT-sp at R = 64 fits one wasm heap (4 GB); the engine gets the
 * same effect from its groups of at most seedsPerGroup × learning rates replicas.
 */
import * as tf from "@tensorflow/tfjs";
import { createModel } from "../models/registry";
import { ReplicaAdam } from "../engine/train/adam";
import { DeviceSplit } from "../engine/train/device-data";
import { taskLosses, totalLoss } from "../engine/train/losses";
import { Seeds } from "../seeds";
import { WORKLOADS, type WorkloadName } from "./workloads";
import { installKernels } from "../kernels/install";

export interface CellSpec {
  workload: WorkloadName;
  replicas: number;
  /** Seconds per timed window (at least `minSteps` steps). */
  seconds: number;
  minSteps: number;
  repeats: number;
  /** Read the accumulated loss to the host every N steps (the trainer's evalEvery); 0 = only at the end. */
  readEvery: number;
  /** First replica's seed: workers of one cell use disjoint seeds. */
  firstSeed?: number;
  /** At most this many replicas per model (default: all R in one model). */
  chunk?: number;
  /**
   * wasm kernel sets (MTL_KERNELS) to compare on the same model in this worker: the timed
   * windows cycle through them (the order rotating every repeat), so each set sees the same
   * machine load on a shared machine. Results per set in CellResult.bySet.
   */
  kernelSets?: string[];
}

export interface CellResult {
  workload: WorkloadName;
  replicas: number;
  backend: string;
  /** Replicas per model when the cell was chunked (spec.chunk < R). */
  chunk?: number;
  /** Median milliseconds per training step (one step = one optimizer step of all R replicas). */
  msPerStep: number;
  /** All repeats, ms per step. */
  msPerStepRuns: number[];
  /** R × 1000 / msPerStep: optimizer steps of single replicas per second. */
  modelStepsPerSecond: number;
  stepsTimed: number;
  /** Peak bytes of live tensors during one step (tf.profile). */
  peakTensorBytes: number;
  /** Milliseconds per kernel name over one profiled step (tf.profile; forward, gradients and Adam), most expensive first. */
  kernelMs: Record<string, number>;
  /** Process resident set size after the run. */
  rssBytes: number;
  /** Minor page faults of the whole process during the timed windows, per step of this cell (workers running at once share the process, so each sees all of them). */
  minorFaultsPerStep: number;
  /** Each replica's training loss summed over every step the cell ran (tasks summed): chunking must not change it. */
  lossSums: number[];
  /** Tensors alive after everything the cell created was disposed, minus before (0 = no leak). */
  tensorsLeaked: number;
  /** With spec.kernelSets: ms per step of every window, per set (msPerStep above: the first set). */
  bySet?: Record<string, number[]>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** One model of a cell's replicas, with its optimiser, data and loss accumulator. */
interface Chunk {
  model: ReturnType<typeof createModel>;
  adam: ReplicaAdam;
  split: DeviceSplit;
  lossSum: tf.Variable;
  lr: tf.Tensor1D;
  /** Data sets of this chunk (per-replica: one per replica; shared: the one split), and the first one's index in the cell. */
  sets: number;
  firstSet: number;
  epochIndex?: tf.Tensor;
}

/** Milliseconds per registered kernel in a tf.profile record, most expensive first. */
async function kernelTimes(kernels: readonly { name: string; kernelTimeMs: number | { error: string } | Promise<number | { error: string }> }[]): Promise<Record<string, number>> {
  const byName = new Map<string, number>();
  for (const k of kernels) {
    // a custom-gradient op is recorded under its scope's name, its time including the registered
    // kernels it calls (recorded too): only registered kernels count, so nothing counts twice
    if (tf.getKernel(k.name, tf.getBackend()) === undefined) continue;
    const ms = await k.kernelTimeMs;
    if (typeof ms === "number") byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
  }
  return Object.fromEntries([...byName].sort((a, b) => b[1] - a[1]));
}

export async function measureCell(spec: CellSpec): Promise<CellResult> {
  const w = WORKLOADS[spec.workload];
  const R = spec.replicas;
  const data = w.data(R);
  const T = data.tasks.length;
  const perReplica = data.layout === "per-replica";
  const size = Math.max(1, Math.min(spec.chunk ?? R, R));
  const chunks: Chunk[] = [];
  const taskWeights = tf.ones([T]) as tf.Tensor1D;
  for (let lo = 0; lo < R; lo += size) {
    const seeds = Array.from({ length: Math.min(size, R - lo) }, (_, r) => (spec.firstSeed ?? 1) + lo + r);
    const model = createModel(w.config, data.tasks, data.input, seeds);
    const splits = perReplica ? data.splits.slice(lo, lo + seeds.length) : data.splits;
    chunks.push({
      model,
      adam: new ReplicaAdam(model.variables),
      split: new DeviceSplit(splits, data.input.numeric, T, perReplica ? seeds.map((_, r) => r) : undefined),
      lossSum: tf.tidy(() => tf.variable(tf.zeros([seeds.length, T]), false)),
      lr: tf.fill([seeds.length], 1e-3) as tf.Tensor1D,
      sets: splits.length,
      firstSet: perReplica ? lo : 0,
    });
  }
  const rows = chunks[0].split.rows;
  const B = Math.min(w.batchSize, rows);
  const stepsPerEpoch = Math.floor(rows / B);
  let step = 0;

  const trainStep = (): void => {
    const position = step % stepsPerEpoch;
    const start = position * B;
    for (const c of chunks) {
      if (position === 0) {
        c.epochIndex?.dispose();
        const perms = Array.from({ length: c.sets }, (_, d) => new Seeds(7 + c.firstSet + d).rng("batch-order", step).permutation(rows));
        c.epochIndex = c.split.epochIndices(perms);
      }
      tf.tidy(() => {
        const idx = c.epochIndex!;
        const batchRows = perReplica ? idx.slice([0, start], [-1, B]) : idx.slice([start], [B]);
        const { batch, labels } = c.split.gather(batchRows);
        let perTask: tf.Tensor2D | undefined;
        const { grads } = tf.variableGrads(() => {
          perTask = tf.keep(taskLosses(c.model.apply(batch), labels, c.model.tasks));
          return totalLoss(perTask, taskWeights, c.model.extraLoss?.());
        }, [...c.model.variables]);
        c.adam.apply(c.model.variables.map((v) => grads[v.name]), c.lr, null); // all replicas train here, as in the trainer's usual step
        c.lossSum.assign(tf.add(c.lossSum, perTask!));
        perTask!.dispose();
      });
    }
    step += 1;
    if (spec.readEvery > 0 && step % spec.readEvery === 0) chunks[0].lossSum.dataSync();
  };
  const lossSum = chunks[chunks.length - 1].lossSum; // read to wait for the backend (wasm runs synchronously anyway)

  try {
    const sets = spec.kernelSets ?? [];
    const select = (set: string | undefined): void => {
      if (set === undefined) return;
      process.env.MTL_KERNELS = set; // this worker's own environment
      installKernels();
    };
    for (const set of sets.length ? sets : [undefined]) {
      select(set);
      for (let i = 0; i < 3; i++) trainStep(); // warm-up: kernels compiled, buffers allocated
    }
    lossSum.dataSync();
    const bySet: Record<string, number[]> = Object.fromEntries(sets.map((k) => [k, []]));
    const runs: number[] = [];
    let stepsTimed = 0;
    const faults0 = process.resourceUsage().minorPageFault;
    for (let rep = 0; rep < spec.repeats; rep++) {
      const order = sets.length ? sets.map((_, i) => sets[(i + rep) % sets.length]) : [undefined];
      for (const set of order) {
        select(set);
        const t0 = performance.now();
        let n = 0;
        while (n < spec.minSteps || performance.now() - t0 < spec.seconds * 1000) {
          trainStep();
          n++;
        }
        lossSum.dataSync(); // the backend has finished every step (wasm runs synchronously anyway)
        const ms = (performance.now() - t0) / n;
        if (set === undefined || set === sets[0]) runs.push(ms);
        if (set !== undefined) bySet[set].push(ms);
        stepsTimed += n;
        await new Promise((r) => setImmediate(r));
      }
    }
    const minorFaultsPerStep = (process.resourceUsage().minorPageFault - faults0) / stepsTimed;
    select(sets[0]);
    const profile = await tf.profile(() => trainStep());
    const ms = median(runs);
    return {
      workload: spec.workload,
      replicas: R,
      backend: tf.getBackend(),
      ...(size < R ? { chunk: size } : {}),
      msPerStep: ms,
      msPerStepRuns: runs,
      modelStepsPerSecond: (R * 1000) / ms,
      stepsTimed,
      peakTensorBytes: profile.peakBytes,
      kernelMs: await kernelTimes(profile.kernels),
      rssBytes: process.memoryUsage().rss,
      minorFaultsPerStep,
      lossSums: chunks.flatMap((c) => {
        const v = c.lossSum.dataSync() as Float32Array, n = v.length / T;
        return Array.from({ length: n }, (_, r) => v.slice(r * T, (r + 1) * T).reduce((a, x) => a + x, 0));
      }),
      tensorsLeaked: NaN, // filled below, after disposal
      ...(sets.length ? { bySet } : {}),
    };
  } finally {
    for (const c of chunks) {
      c.epochIndex?.dispose();
      c.split.dispose();
      c.adam.dispose();
      c.model.dispose();
      tf.dispose([c.lossSum, c.lr]);
    }
    taskWeights.dispose();
  }
}

/** measureCell plus the leak count (tensors alive after disposal minus before). */
export async function measureCellChecked(spec: CellSpec): Promise<CellResult> {
  const before = tf.memory().numTensors;
  const r = await measureCell(spec);
  return { ...r, tensorsLeaked: tf.memory().numTensors - before };
}
