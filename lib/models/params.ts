/**
 * Replica-batched parameters and the base class every model extends.
 *
 * A variable is created as [R, ...shape]: slice r is drawn only from replica r's master seed, so
 * replica r of an R-replica model equals an R = 1 model built with that seed (types.ts).
 * Init functions receive the replica's root `Seeds` and derive their own call-site paths.
 */
import * as tf from "@tensorflow/tfjs";
import { Seeds, assertMasterSeed } from "../seeds";
import { type DenseInit, GLOROT_INIT, type InitScheme, denseInit } from "./init";
import type { Batch, InputSpec, MtlModel, ParameterCount, TaskSpec } from "./types";

export class ParamStore {
  readonly named: Record<string, tf.Variable> = {};
  /** Trainable scalars per replica, by group ("experts", "gates", "towers", …). */
  readonly groups: Record<string, number> = {};
  private readonly owned: tf.Tensor[] = [];

  /** `dense`: how every Dense block starts (init.ts). */
  constructor(readonly replicaSeeds: readonly number[], readonly dense: DenseInit = GLOROT_INIT) {
    if (replicaSeeds.length < 1) throw new RangeError("replicaSeeds must list at least one seed");
    replicaSeeds.forEach((s, r) => assertMasterSeed(s, `replicaSeeds[${r}]`));
  }

  get replicas(): number {
    return this.replicaSeeds.length;
  }

  /** A trainable [R, ...] variable; `group` (if given) is credited with its per-replica size. */
  add(name: string, group: string | null, init: (s: Seeds) => tf.Tensor): tf.Variable {
    if (name in this.named) throw new Error(`parameter "${name}" defined twice`);
    const value = tf.tidy(() => tf.stack(this.replicaSeeds.map((m) => init(new Seeds(m)))));
    const v = tf.variable(value, true);
    value.dispose();
    this.named[name] = v;
    if (group !== null) this.credit(group, v.size / this.replicas);
    return v;
  }

  /** Credits scalars to a group; used when one fused variable serves several groups. */
  credit(group: string, perReplica: number): void {
    this.groups[group] = (this.groups[group] ?? 0) + perReplica;
  }

  /** A constant tensor (indices, masks) disposed with the model. */
  keep<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  count(): ParameterCount {
    const perReplica = Object.values(this.named).reduce((a, v) => a + v.size, 0) / this.replicas;
    return { perReplica, total: perReplica * this.replicas, groups: { ...this.groups } };
  }

  dispose(): void {
    for (const v of Object.values(this.named)) v.dispose();
    for (const t of this.owned) t.dispose();
  }
}

/** What ModelBase reads from a model's config: its kind and its Dense initialisation (init.ts). */
export interface ModelIdentity {
  kind: string;
  init?: InitScheme | DenseInit;
}

/** What every model shares: identity fields, variables, counts, disposal. */
export abstract class ModelBase implements MtlModel {
  readonly kind: string;
  readonly replicas: number;
  readonly replicaSeeds: readonly number[];
  protected readonly p: ParamStore;

  constructor(
    cfg: ModelIdentity,
    readonly tasks: readonly TaskSpec[],
    readonly input: InputSpec,
    replicaSeeds: readonly number[],
  ) {
    this.kind = cfg.kind;
    if (tasks.length < 1) throw new RangeError(`${cfg.kind}: needs at least one task`);
    this.replicaSeeds = [...replicaSeeds];
    this.replicas = replicaSeeds.length;
    this.p = new ParamStore(this.replicaSeeds, denseInit(cfg.init));
  }

  get variables(): readonly tf.Variable[] {
    return Object.values(this.p.named);
  }

  /** Variables by path (e.g. "input/numeric", "towers/layer/0/kernel"): for tests and checkpoints. */
  get named(): Readonly<Record<string, tf.Variable>> {
    return this.p.named;
  }

  abstract apply(batch: Batch): tf.Tensor3D;

  parameterCount(): ParameterCount {
    return this.p.count();
  }

  dispose(): void {
    this.p.dispose();
  }
}

export function times<T>(n: number, f: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => f(i));
}
