/**
 * The --set values checked against the experiment they apply to, before any folder is made:
 * the type checks of overrides.ts know each field alone; here the whole plan is checked as a
 * run would use it (selection task and metric against the tasks, one weight per task) and, when
 * a data setting changed or the tasks are only known from the data, the data source is built
 * on a few rows, so an out-of-range value is refused with the generator's own words.
 */
import { UserError } from "../../errors";
import type { TaskSpec } from "../../data/spec";
import type { DataSource } from "../train/data";
import type { Arm, ResolvedExperiment } from "./experiment";
import { OverrideError } from "./overrides";
import { resolveTrainConfig, type TrainConfig } from "../train/train-config";

/** Rows a data probe draws per split: enough for every generator, cheap for all. */
const PROBE_ROWS = { train: 8, validation: 8, test: 8 };

function describe(plan: ResolvedExperiment): string {
  return plan.overrides.map((o) => `--set ${o.text}`).join(" ");
}

async function probeData(plan: ResolvedExperiment, arm: Arm): Promise<TaskSpec[]> {
  const ctx = { conditionName: arm.conditionName, condition: arm.condition, profile: plan.profile, rows: PROBE_ROWS };
  await plan.experiment.preflight?.(ctx);
  const source: DataSource = await plan.experiment.data(ctx);
  return source.layout === "per-replica" ? source.dataFor(plan.seeds[0]).tasks : source.data.tasks;
}

/**
 * Throws OverrideError naming the setting, the problem and the valid choices when the plan's
 * overrides cannot train. Without overrides the declared plan is trusted (its tests check it).
 */
export async function checkOverriddenPlan(plan: ResolvedExperiment): Promise<void> {
  if (plan.overrides.length === 0) return;
  const set = describe(plan);
  const dataChanged = plan.overrides.some((o) => o.key.startsWith("data."));
  const probed = new Map<string, TaskSpec[]>();
  for (const arm of plan.arms) {
    let tasks = arm.runConfig.tasks;
    if (!tasks || dataChanged) {
      if (!probed.has(arm.conditionName)) {
        try {
          probed.set(arm.conditionName, await probeData(plan, arm));
        } catch (e) {
          if (!(e instanceof UserError || e instanceof RangeError || e instanceof TypeError)) throw e;
          throw new OverrideError(`${set}: condition ${arm.conditionName}: ${e.message}`);
        }
      }
      tasks ??= probed.get(arm.conditionName)!;
    }
    try {
      resolveTrainConfig(arm.runConfig.train as TrainConfig, tasks);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new OverrideError(`${set}: ${arm.key}: ${e.message}`);
    }
  }
}
