/**
 * One benchmark cell: a workload at R replicas on the current backend, trained exactly as
 * lib/engine/trainer.ts trains (backend-side minibatch gather from a seeded epoch order,
 * variableGrads of the summed per-replica losses, ReplicaAdam, losses accumulated on the
 * backend and read to the host only every `readEvery` steps). Timing is wall clock over whole
 * steps after a warm-up; the median of `repeats` timed windows is reported.
 */
import * as tf from "@tensorflow/tfjs";
import { createModel } from "../models/registry";
import { ReplicaAdam } from "../engine/adam";
import { DeviceSplit } from "../engine/device-data";
import { taskLosses, totalLoss } from "../engine/losses";
import { Seeds } from "../seeds";
import { WORKLOADS, type WorkloadName } from "./workloads";
import { useFastWasmKernels } from "../models/wasm-kernels";

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
  /**
   * wasm kernel sets (MTL_WASM_KERNELS) to compare on the same model in this worker: the timed
   * windows cycle through them (the order rotating every repeat), so each set sees the same
   * machine load on a shared machine. Results per set in CellResult.bySet.
   */
  kernelSets?: string[];
}

export interface CellResult {
  workload: WorkloadName;
  replicas: number;
  backend: string;
  /** Median milliseconds per training step (one step = one optimizer step of all R replicas). */
  msPerStep: number;
  /** All repeats, ms per step. */
  msPerStepRuns: number[];
  /** R × 1000 / msPerStep: optimizer steps of single replicas per second. */
  modelStepsPerSecond: number;
  stepsTimed: number;
  /** Peak bytes of live tensors during one step (tf.profile). */
  peakTensorBytes: number;
  /** Process resident set size after the run. */
  rssBytes: number;
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

export async function measureCell(spec: CellSpec): Promise<CellResult> {
  const w = WORKLOADS[spec.workload];
  const R = spec.replicas;
  const data = w.data(R);
  const seeds = Array.from({ length: R }, (_, r) => (spec.firstSeed ?? 1) + r);
  const model = createModel(w.config, data.tasks, data.input, seeds);
  const T = data.tasks.length;
  const perReplica = data.layout === "per-replica";
  const split = new DeviceSplit(data.splits, data.input.numeric, T, perReplica ? seeds.map((_, r) => r) : undefined);
  const B = Math.min(w.batchSize, split.rows);
  const stepsPerEpoch = Math.floor(split.rows / B);
  const adam = new ReplicaAdam(model.variables);
  const lossSum = tf.tidy(() => tf.variable(tf.zeros([R, T]), false));
  const taskWeights = tf.ones([T]) as tf.Tensor1D;
  const lr = tf.fill([R], 1e-3) as tf.Tensor1D;
  let epochIndex: tf.Tensor | undefined;
  let step = 0;

  const trainStep = (): void => {
    const position = step % stepsPerEpoch;
    if (position === 0) {
      epochIndex?.dispose();
      const perms = data.splits.map((_, d) => new Seeds(7 + d).rng("batch-order", step).permutation(split.rows));
      epochIndex = split.epochIndices(perms);
    }
    step += 1;
    const start = position * B;
    tf.tidy(() => {
      const rows = perReplica ? epochIndex!.slice([0, start], [-1, B]) : epochIndex!.slice([start], [B]);
      const { batch, labels } = split.gather(rows);
      let perTask: tf.Tensor2D | undefined;
      const { grads } = tf.variableGrads(() => {
        perTask = tf.keep(taskLosses(model.apply(batch), labels, model.tasks));
        return totalLoss(perTask, taskWeights, model.extraLoss?.());
      }, [...model.variables]);
      adam.apply(model.variables.map((v) => grads[v.name]), lr, null); // all replicas train here, as in the trainer's usual step
      lossSum.assign(tf.add(lossSum, perTask!));
      perTask!.dispose();
    });
    if (spec.readEvery > 0 && step % spec.readEvery === 0) lossSum.dataSync();
  };

  try {
    const sets = spec.kernelSets ?? [];
    const select = (set: string | undefined): void => {
      if (set === undefined) return;
      process.env.MTL_WASM_KERNELS = set; // this worker's own environment
      useFastWasmKernels();
    };
    for (const set of sets.length ? sets : [undefined]) {
      select(set);
      for (let i = 0; i < 3; i++) trainStep(); // warm-up: kernels compiled, buffers allocated
    }
    lossSum.dataSync();
    const bySet: Record<string, number[]> = Object.fromEntries(sets.map((k) => [k, []]));
    const runs: number[] = [];
    let stepsTimed = 0;
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
    select(sets[0]);
    const profile = await tf.profile(() => trainStep());
    const ms = median(runs);
    return {
      workload: spec.workload,
      replicas: R,
      backend: tf.getBackend(),
      msPerStep: ms,
      msPerStepRuns: runs,
      modelStepsPerSecond: (R * 1000) / ms,
      stepsTimed,
      peakTensorBytes: profile.peakBytes,
      rssBytes: process.memoryUsage().rss,
      tensorsLeaked: NaN, // filled below, after disposal
      ...(sets.length ? { bySet } : {}),
    };
  } finally {
    epochIndex?.dispose();
    split.dispose();
    adam.dispose();
    model.dispose();
    tf.dispose([lossSum, taskWeights, lr]);
  }
}

/** measureCell plus the leak count (tensors alive after disposal minus before). */
export async function measureCellChecked(spec: CellSpec): Promise<CellResult> {
  const before = tf.memory().numTensors;
  const r = await measureCell(spec);
  return { ...r, tensorsLeaked: tf.memory().numTensors - before };
}
