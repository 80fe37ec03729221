/**
 * CI's check that the committed numbers still reproduce: the first seed of every arm of each
 * committed quick-profile experiment is recomputed and must equal its stored record bit for
 * bit (same backend). A change that silently alters committed numbers fails here.
 * Census experiments are checked when CENSUS_INCOME_DIR is set; every other one always.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { listExperiments, projectRoot, verifyExperiment } from "mtl-lab";

const root = path.join(projectRoot(), "results");
const CHECKED = ["trainability"]; // a few minutes in all; extend as committed results grow

for (const experiment of listExperiments().filter((e) => CHECKED.includes(e.id))) {
  const stored = path.join(root, experiment.id, "quick", "runs.jsonl");
  test(`${experiment.id}/quick: the first seed of every arm recomputes to its committed record`, { skip: !fs.existsSync(stored) && "no committed quick results" }, async () => {
    const report = await verifyExperiment(experiment, { profile: "quick", sample: 1, root, backend: "wasm" });
    assert.equal(report.identical, true, report.line);
  });
}
