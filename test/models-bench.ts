// Rough speed of one forward + backward + Adam step, MMoE synthetic configuration (MMoE §5.1:
// d = 100, 8 experts × 16, towers 8, two regression tasks), batch 128. Not a test; run with
//   npx tsc -b && node build/test/models-bench.js [backend]
import * as tf from "@tensorflow/tfjs";
import { createModel, initBackend, type BackendPreference, type Batch } from "mtl-lab";

async function main(): Promise<void> {
  const info = await initBackend((process.argv[2] as BackendPreference | undefined) ?? "wasm");
  const tasks = [{ name: "y1", kind: "regression" as const }, { name: "y2", kind: "regression" as const }];
  for (const kind of ["mmoe", "shared-bottom"] as const) {
    for (const R of [1, 64]) {
      for (const mode of ["per-replica", "shared"] as const) {
        const cfg = kind === "mmoe" ? { kind, experts: 8, expertUnits: [16], towerUnits: [8] } : { kind, bottomUnits: [113], towerUnits: [8] };
        const model = createModel(cfg, tasks, { numeric: 100, categorical: [] }, Array.from({ length: R }, (_, r) => r + 1));
        const B = 128;
        const batch: Batch = { numeric: mode === "shared" ? tf.randomNormal([B, 100], 0, 1, "float32", 1) : tf.randomNormal([R, B, 100], 0, 1, "float32", 1) };
        const y = tf.randomNormal([mode === "shared" ? 1 : R, B, 2], 0, 1, "float32", 2);
        const opt = tf.train.adam(1e-3);
        const step = () => opt.minimize(() => model.apply(batch).sub(y).square().mean([1, 2]).sum() as tf.Scalar, true, model.variables as tf.Variable[])!;
        for (let i = 0; i < 5; i++) step().dispose();
        const n = R === 1 ? 200 : 30;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) { const c = step(); c.dataSync(); c.dispose(); }
        const ms = (performance.now() - t0) / n;
        console.log(`${info.name} ${kind} R=${R} ${mode}: ${ms.toFixed(2)} ms/step (${(ms / R).toFixed(3)} ms per replica-step)`);
        opt.dispose(); model.dispose(); tf.dispose([batch.numeric, y]);
      }
    }
  }
}
void main();
