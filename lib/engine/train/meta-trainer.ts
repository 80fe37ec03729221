/**
 * Episodic training for few-shot tasks (a training mode beside trainer.ts), replica-batched:
 * every replica draws its own episodes from its own data set, all replicas step together.
 *
 * Modes (EpisodeSettings.mode, part of the run key through the data source's condition):
 *   "meta"    first-order MAML (Finn et al. 2017; Nichol et al. 2018's first-order form): per outer
 *             step, each replica draws one training task and disjoint support and query rows of it;
 *             θ' = θ − α ∇L_support(θ) for `innerSteps` steps; the outer update is Adam on
 *             ∇L_query(θ') applied to θ (the first-order approximation drops the second derivative).
 *   "pooled"  ordinary multi-task pretraining: Adam on minibatches of every training task's rows
 *             pooled (the task identity is not an input), the baseline that fine-tunes from one model.
 *   "scratch" no pretraining: each new task adapts from the seeded initialisation.
 * Evaluation, the same for every mode: a new task adapts from the current weights by
 * `adaptSteps` full-batch SGD steps (rate `adaptLearningRate`) on its first k support rows
 * (k = 0: no adaptation), then its query rows are scored. Every `evalEvery` outer steps the
 * validation tasks at k = `selectionShots` choose the checkpoint (mean AUC); at the end the best
 * weights are scored at every k of `shots` on the validation and the test tasks. The metrics are
 * stored per k under the pseudo-task `<k>-shot` (mean over new tasks of AUC and log loss).
 * Every adaptation restores the weights it started from, so no new task leaks into another.
 */
import * as tf from "@tensorflow/tfjs";
import type { MtlModel } from "../../models/types";
import { ReplicaAdam } from "./adam";
import type { DataSet } from "./data";
import { taskLosses } from "./losses";
import { auc, logLossFromLogits, MetricUndefinedError, type TaskEvaluation } from "./metrics";
import type { Curves } from "./replica-state";
import { resolveTrainConfig, type TrainConfig } from "./train-config";
import type { GroupData, ReplicaOutcome, TrainingProgress } from "./trainer";
import { Seeds } from "../../seeds";

export interface EpisodeSettings {
  mode: "meta" | "pooled" | "scratch";
  /** Inner SGD steps on the support set per episode (meta). */
  innerSteps: number;
  innerLearningRate: number;
  /** Support and query rows drawn from a training task per episode (meta). */
  supportRows: number;
  queryRows: number;
  /** SGD steps and rate with which a new task adapts (every mode, at evaluation). */
  adaptSteps: number;
  adaptLearningRate: number;
  /** Support sizes k scored at the end (0 = no adaptation). */
  shots: number[];
  /** The k whose mean validation AUC chooses the checkpoint and the learning rate. */
  selectionShots: number;
}

/** One task's rows: [rows, features] row-major and one binary label per row. */
export interface TaskRows {
  rows: number;
  numeric: Float32Array;
  labels: Float32Array;
}

/** A new task: a support set (its first k rows are the k-shot set) and a query set. */
export interface FewShotTask {
  support: TaskRows;
  query: TaskRows;
}

/** A DataSet (its splits pooled, for the engine's checks) with the tasks episodes are drawn from. */
export interface EpisodicDataSet extends DataSet {
  episodes: {
    settings: EpisodeSettings;
    /** Training tasks (one binary output each; the model has one output). */
    train: TaskRows[];
    /** New tasks choosing the checkpoint, and new tasks scored at the end. */
    validation: FewShotTask[];
    test: FewShotTask[];
  };
}

/** The pseudo-task name the metrics of k shots are stored under. */
export const shotKey = (k: number) => `${k}-shot`;

function episodesOf(d: DataSet): EpisodicDataSet["episodes"] {
  const e = (d as Partial<EpisodicDataSet>).episodes;
  if (!e) throw new TypeError("trainEpisodes: the data set has no episodes (an EpisodicDataSet is needed)");
  return e;
}

function checkSettings(s: EpisodeSettings, features: number, newTasks: readonly FewShotTask[][]): void {
  const int = (v: number, what: string, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`episodes: ${what} must be an integer ≥ ${min}, got ${v}`);
  };
  if (!["meta", "pooled", "scratch"].includes(s.mode)) throw new RangeError(`episodes: mode must be "meta", "pooled" or "scratch", got ${JSON.stringify(s.mode)}`);
  int(s.innerSteps, "innerSteps", 1);
  int(s.supportRows, "supportRows", 1);
  int(s.queryRows, "queryRows", 1);
  int(s.adaptSteps, "adaptSteps", 0);
  if (!(s.innerLearningRate > 0) || !(s.adaptLearningRate > 0)) throw new RangeError("episodes: innerLearningRate and adaptLearningRate must be positive");
  if (!s.shots.includes(s.selectionShots)) throw new RangeError(`episodes: selectionShots ${s.selectionShots} is not one of shots [${s.shots.join(", ")}]`);
  for (const tasks of newTasks) {
    for (const t of tasks) {
      if (t.support.rows < Math.max(...s.shots)) throw new RangeError(`episodes: a new task has ${t.support.rows} support rows, shots ask for ${Math.max(...s.shots)}`);
      if (t.support.numeric.length !== t.support.rows * features || t.query.numeric.length !== t.query.rows * features) throw new RangeError(`episodes: a new task's rows do not have ${features} features`);
    }
  }
}

/** [R, n, F] features and [R, n, 1] labels from per-replica row picks. */
function stack(sets: readonly TaskRows[], picks: readonly (readonly number[])[], F: number): { x: tf.Tensor3D; y: tf.Tensor3D } {
  const R = sets.length, n = picks[0].length;
  const x = new Float32Array(R * n * F), y = new Float32Array(R * n);
  sets.forEach((s, r) => picks[r].forEach((row, i) => {
    x.set(s.numeric.subarray(row * F, (row + 1) * F), (r * n + i) * F);
    y[r * n + i] = s.labels[row];
  }));
  return { x: tf.tensor3d(x, [R, n, F]), y: tf.tensor3d(y, [R, n, 1]) };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Trains with episodes (see the file header); the signature of trainReplicas (GroupTrainer). */
export async function trainEpisodes(model: MtlModel, data: GroupData, config: TrainConfig, learningRates: readonly number[], onEvaluate?: (p: TrainingProgress) => void): Promise<ReplicaOutcome[]> {
  const cfg = resolveTrainConfig(config, model.tasks);
  const R = model.replicas;
  if (learningRates.length !== R) throw new RangeError(`trainEpisodes: ${learningRates.length} learning rates for ${R} replicas; give one per replica`);
  if (model.tasks.length !== 1 || model.tasks[0].kind !== "binary") throw new RangeError("trainEpisodes: the model must have exactly one binary output (every task is one audience)");
  const eps = data.datasets.map(episodesOf);
  const settings = eps[0].settings;
  const F = data.datasets[0].input.numeric;
  checkSettings(settings, F, eps.flatMap((e) => [e.validation, e.test]));
  const datasetOf = data.layout === "per-replica" ? data.datasetOf! : range(R).map(() => 0);
  const perReplica = (r: number) => eps[datasetOf[r]];
  const nTasks = (pick: (e: EpisodicDataSet["episodes"]) => unknown[]) => Math.min(...eps.map((e) => pick(e).length));
  const vars = model.variables;
  const adam = new ReplicaAdam(vars, cfg.adam);
  const lr = tf.tensor1d([...learningRates]);
  const best = tf.tidy(() => vars.map((v) => tf.variable(v.clone(), false)));
  const rngs = data.orderSeeds.map((s) => new Seeds(s).rng("episodes"));
  const rngOf = (r: number) => rngs[data.layout === "per-replica" ? datasetOf[r] : 0];
  const curves: Curves[] = range(R).map(() => ({ steps: [], train: { [model.tasks[0].name]: [] }, validation: { [model.tasks[0].name]: [] }, selection: [] }));
  const bestValue = new Array<number>(R).fill(-Infinity), bestStep = new Array<number | null>(R).fill(null);
  const diverged = new Array<string | null>(R).fill(null);
  let lossSum = new Float64Array(R), lossSteps = 0;

  const lossOf = (x: tf.Tensor3D, y: tf.Tensor3D) => tf.sum(taskLosses(model.apply({ numeric: x }), y, model.tasks)) as tf.Scalar;
  const snapshot = () => tf.tidy(() => vars.map((v) => v.clone()));
  const restore = (saved: tf.Tensor[]) => { vars.forEach((v, i) => v.assign(saved[i])); tf.dispose(saved); };
  const sgd = (x: tf.Tensor3D, y: tf.Tensor3D, rate: number) => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => lossOf(x, y), [...vars]);
    vars.forEach((v) => v.assign(v.sub(grads[v.name].mul(rate))));
  });

  /** Per-replica losses [R, 1] on (x, y) and the gradient of their sum: each replica's own gradient. */
  const lossGrads = (x: tf.Tensor3D, y: tf.Tensor3D) => tf.tidy(() => {
    let perTask: tf.Tensor2D | undefined;
    const { grads } = tf.variableGrads(() => {
      perTask = tf.keep(taskLosses(model.apply({ numeric: x }), y, model.tasks));
      return tf.sum(perTask) as tf.Scalar;
    }, [...vars]);
    return { perTask: perTask!, grads };
  });
  /** Adam on the given gradients (at the current θ), and the losses into the window's running sum. */
  const outerUpdate = ({ perTask, grads }: ReturnType<typeof lossGrads>) => {
    adam.apply(vars.map((v) => grads[v.name]), lr, activeMask());
    tf.dispose(Object.values(grads));
    readLosses(perTask);
  };

  /** Per replica: one training task and disjoint support / query row picks (one rng per data set, so every rate of a seed sees the same episodes). */
  const drawEpisode = () => {
    const drawn = new Map<number, { task: TaskRows; support: number[]; query: number[] }>();
    return range(R).map((r) => {
      const d = data.layout === "per-replica" ? datasetOf[r] : 0;
      if (!drawn.has(d)) {
        const rng = rngOf(r), e = perReplica(r);
        const task = e.train[rng.int(e.train.length)];
        const need = settings.supportRows + settings.queryRows;
        if (task.rows < need) throw new RangeError(`episodes: a training task has ${task.rows} rows, an episode needs ${need}`);
        const perm = rng.permutation(task.rows);
        drawn.set(d, { task, support: Array.from(perm.subarray(0, settings.supportRows)), query: Array.from(perm.subarray(settings.supportRows, need)) });
      }
      return drawn.get(d)!;
    });
  };

  const metaStep = () => {
    const ep = drawEpisode();
    const s = stack(ep.map((e) => e.task), ep.map((e) => e.support), F);
    const q = stack(ep.map((e) => e.task), ep.map((e) => e.query), F);
    const start = snapshot();
    try {
      for (let i = 0; i < settings.innerSteps; i++) sgd(s.x, s.y, settings.innerLearningRate);
      const g = lossGrads(q.x, q.y);
      restore(start.splice(0)); // the outer update moves θ, not θ'
      outerUpdate(g);
    } finally {
      tf.dispose([s.x, s.y, q.x, q.y, ...start]);
    }
  };

  const pooledStep = () => {
    const B = cfg.batchSize;
    const picks = range(R).map((r) => {
      const rng = rngOf(r), e = perReplica(r);
      return range(B).map(() => {
        const t = e.train[rng.int(e.train.length)];
        return { t, row: rng.int(t.rows) };
      });
    });
    // rows of different tasks: gather them into one TaskRows per replica
    const sets = picks.map((p) => ({ rows: B, numeric: new Float32Array(B * F), labels: new Float32Array(B) }));
    picks.forEach((p, r) => p.forEach(({ t, row }, i) => {
      sets[r].numeric.set(t.numeric.subarray(row * F, (row + 1) * F), i * F);
      sets[r].labels[i] = t.labels[row];
    }));
    const b = stack(sets, range(R).map(() => range(B)), F);
    try {
      outerUpdate(lossGrads(b.x, b.y));
    } finally {
      tf.dispose([b.x, b.y]);
    }
  };

  let active: tf.Tensor1D | null = null;
  const activeMask = () => {
    if (diverged.every((d) => d === null)) return null;
    active?.dispose();
    active = tf.tensor1d(diverged.map((d) => (d === null ? 1 : 0)), "bool");
    return active;
  };
  const readLosses = (perTask: tf.Tensor2D) => {
    const v = perTask.dataSync();
    perTask.dispose();
    for (let r = 0; r < R; r++) lossSum[r] += v[r];
    lossSteps++;
  };

  /** Per replica, mean over the new tasks of AUC and log loss at k shots (tasks whose query has one class skipped). */
  const fewShot = (which: "validation" | "test", k: number): { auc: number[]; loss: number[] } => {
    const n = nTasks((e) => e[which]);
    const aucs = range(R).map(() => [] as number[]), losses = range(R).map(() => [] as number[]);
    for (let j = 0; j < n; j++) {
      const tasks = range(R).map((r) => perReplica(r)[which][j]);
      const start = snapshot();
      try {
        if (k > 0 && settings.adaptSteps > 0) {
          const s = stack(tasks.map((t) => t.support), range(R).map(() => range(k)), F);
          for (let i = 0; i < settings.adaptSteps; i++) sgd(s.x, s.y, settings.adaptLearningRate);
          tf.dispose([s.x, s.y]);
        }
        const Q = tasks[0].query.rows;
        if (tasks.some((t) => t.query.rows !== Q)) throw new RangeError("episodes: new tasks at one index must have query sets of one size across replicas");
        const q = stack(tasks.map((t) => t.query), range(R).map(() => range(Q)), F);
        const logits = tf.tidy(() => model.apply({ numeric: q.x })).dataSync(); // [R, Q, 1]
        tf.dispose([q.x, q.y]);
        tasks.forEach((t, r) => {
          const z = logits.subarray(r * Q, (r + 1) * Q);
          try {
            aucs[r].push(auc(t.query.labels, z));
          } catch (e) {
            if (!(e instanceof MetricUndefinedError)) throw e;
          }
          losses[r].push(logLossFromLogits(t.query.labels, z));
        });
      } finally {
        restore(start);
      }
    }
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
    return { auc: aucs.map(mean), loss: losses.map(mean) };
  };

  const evaluate = (step: number) => {
    const trainLoss = Array.from(lossSum, (s) => s / Math.max(1, lossSteps));
    lossSum = new Float64Array(R);
    lossSteps = 0;
    const v = fewShot("validation", settings.selectionShots);
    const improved = range(R).map((r) => {
      if (diverged[r] === null && !(Number.isFinite(trainLoss[r]) || step === 0)) diverged[r] = `non-finite training loss at step ${step}`;
      const c = curves[r], name = model.tasks[0].name;
      c.steps.push(step);
      c.train[name].push(diverged[r] === null && step > 0 ? trainLoss[r] : null);
      c.validation[name].push(diverged[r] === null && Number.isFinite(v.loss[r]) ? v.loss[r] : null);
      c.selection!.push(diverged[r] === null && Number.isFinite(v.auc[r]) ? v.auc[r] : null);
      if (diverged[r] !== null || !Number.isFinite(v.auc[r]) || v.auc[r] <= bestValue[r]) return false;
      bestValue[r] = v.auc[r];
      bestStep[r] = step;
      return true;
    });
    if (improved.some(Boolean)) {
      tf.tidy(() => {
        const mask = tf.tensor1d(improved.map((b) => (b ? 1 : 0)), "bool");
        vars.forEach((x, i) => best[i].assign(tf.where(tf.broadcastTo(mask.reshape([R, ...x.shape.slice(1).map(() => 1)]), x.shape), x, best[i])));
      });
    }
  };

  try {
    const steps = settings.mode === "scratch" ? 0 : cfg.steps;
    if (steps === 0) evaluate(0);
    for (let step = 1; step <= steps; step++) {
      if (settings.mode === "meta") metaStep();
      else pooledStep();
      if (step % cfg.evalEvery === 0 || step === steps) {
        evaluate(step);
        onEvaluate?.({ step, steps, training: diverged.filter((d) => d === null).length });
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    vars.forEach((v, i) => v.assign(best[i]));
    const scored = (which: "validation" | "test") => {
      const per = settings.shots.map((k) => fewShot(which, k));
      return range(R).map((r) => Object.fromEntries(settings.shots.map((k, i): [string, TaskEvaluation] => [shotKey(k), { metrics: { auc: per[i].auc[r], loss: per[i].loss[r], logloss: per[i].loss[r] } }])));
    };
    const validation = scored("validation"), test = scored("test");
    return range(R).map((r): ReplicaOutcome => {
      const ok = diverged[r] === null && bestStep[r] !== null;
      return {
        status: diverged[r] === null ? "ok" : "diverged",
        ...(diverged[r] !== null ? { reason: diverged[r]! } : {}),
        // episodic training has no early stopping: it ends at the step cap unless it diverged
        stopReason: diverged[r] === null ? "step cap" : "diverged",
        learningRate: learningRates[r],
        bestStep: bestStep[r],
        stepsTrained: curves[r].steps[curves[r].steps.length - 1] ?? 0,
        selectionValue: ok ? bestValue[r] : null,
        validation: ok ? validation[r] : null,
        test: ok ? test[r] : null,
        curves: curves[r],
        gates: [],
      };
    });
  } finally {
    adam.dispose();
    lr.dispose();
    tf.dispose(best);
    (active as tf.Tensor1D | null)?.dispose();
  }
}
