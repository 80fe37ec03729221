/**
 * One extraction level of a modular multi-level model (CGC/PLE, AdaTT): M modules (the T task
 * modules, then an optional shared module). Module j has m_j experts and an optional gate; both
 * read the module's input — the raw x at level 0 (then everything folds into one InputLayer
 * matmul), or module j's fused output of the previous level. Modules with the same shape (all
 * task modules) share one batched matmul; the experts' later layers run as one batched stack.
 */
import * as tf from "@tensorflow/tfjs";
import { ExpertBank, GroupedDense, groupExperts } from "./blocks";
import { type Consumer, InputLayer, splitRanges } from "./input";
import type { ParamStore } from "./params";
import type { Batch, InputSpec } from "./types";

export interface ModuleSpec {
  /** Seed/report name, e.g. "task/0" or "shared". */
  name: string;
  experts: number;
  /** Gate width (number of experts it weighs); 0 = no gate. */
  gate: number;
}

export interface LevelOutput {
  /** All experts of the level in module order: [R, N, B, H]. */
  experts: tf.Tensor4D;
  /** Gate logits per module ([R, B, width]), null where the module has no gate. */
  gateLogits: (tf.Tensor3D | null)[];
}

export class ExtractionLevel {
  readonly bank: ExpertBank;
  /** Index of each module's first expert in the level's expert axis. */
  readonly firstExpert: number[];
  private readonly encoder: InputLayer | null = null;
  private readonly runs: { from: number; count: number; dense: GroupedDense }[] = [];

  constructor(p: ParamStore, readonly level: number, readonly modules: readonly ModuleSpec[], units: readonly number[], input: InputSpec | number) {
    const names = modules.flatMap((m) => Array.from({ length: m.experts }, (_, i) => `level/${level}/${m.name}/expert/${i}`));
    this.bank = new ExpertBank(p, `level/${level}/experts`, names, units);
    let o = 0;
    this.firstExpert = modules.map((m) => ((o += m.experts), o - m.experts));
    const gate = (m: ModuleSpec): Consumer[] => (m.gate > 0 ? [{ name: `level/${level}/${m.name}/gate`, units: m.gate, group: "gates" }] : []);
    if (typeof input !== "number") {
      this.encoder = new InputLayer(p, input, [...this.bank.consumers, ...modules.flatMap(gate)]);
      return;
    }
    for (let from = 0; from < modules.length; ) {
      let to = from + 1; // a run of modules with the same shape shares one matmul
      while (to < modules.length && modules[to].experts === modules[from].experts && modules[to].gate === modules[from].gate) to++;
      const blocks = modules.slice(from, to).map((m, g) => [...this.bank.consumers.slice(this.firstExpert[from + g], this.firstExpert[from + g] + m.experts), ...gate(m)]);
      this.runs.push({ from, count: to - from, dense: new GroupedDense(p, `level/${level}/modules/${from}`, input, blocks) });
      from = to;
    }
  }

  /** Level 0: from the batch. Later levels: from the previous fused outputs [R, M, B, I]. */
  apply(x: Batch | tf.Tensor4D): LevelOutput {
    if (this.encoder !== null) {
      const h = this.encoder.apply(x as Batch); // [R, B, U]
      const N = this.bank.size;
      const gated = this.modules.filter((m) => m.gate > 0).length;
      const [experts, ...gates] = this.encoder.columns(h, [[0, N], ...Array.from({ length: gated }, (_, g) => [N + g, 1] as const)]);
      let k = 0;
      const gateLogits = this.modules.map((m) => (m.gate > 0 ? gates[k++] : null));
      return { experts: this.bank.fromColumns(experts), gateLogits };
    }
    const f = x as tf.Tensor4D;
    const firstLayers: tf.Tensor4D[] = [];
    const gateLogits: (tf.Tensor3D | null)[] = [];
    const modulesIn = splitRanges(f, this.runs.map((r) => [r.from, r.count] as const), 1); // each run's modules
    for (const [run, { from, count, dense }] of this.runs.entries()) {
      const m = this.modules[from];
      const y = dense.apply(modulesIn[run]); // [R, G, B, U]
      const [experts, gates] = dense.blocksOf(y, m.gate > 0 ? [[0, m.experts], [m.experts, 1]] : [[0, m.experts]]);
      firstLayers.push(groupExperts(experts, m.experts)); // [R, G·m, B, H1]
      const perModule = m.gate > 0 ? (count === 1 ? [gates.squeeze([1]) as tf.Tensor3D] : (tf.unstack(gates, 1) as tf.Tensor3D[])) : null;
      for (let g = 0; g < count; g++) gateLogits.push(perModule ? perModule[g] : null);
    }
    const e = firstLayers.length === 1 ? firstLayers[0] : (tf.concat(firstLayers, 1) as tf.Tensor4D);
    return { experts: this.bank.deepen(e), gateLogits };
  }
}
