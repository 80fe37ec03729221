/**
 * The committed results still read the same: for every experiment with committed results, the
 * runs load without training anything and every table re-rendered from them equals the
 * committed Markdown and CSV files. A refactor that changes a run key, a statistic or a table
 * fails here; a deliberate change regenerates the tables (`npm run reproduce`) in its commit.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import test from "node:test";
import { listExperiments, projectRoot, reportTables, resolveExperiment, runOrLoad, toCsv, toMarkdown } from "mtl-lab";
import { runKey, RunsFile } from "mtl-lab/dist/engine/store/results-store";

const root = path.join(projectRoot(), "results");
const committed = listExperiments().flatMap((experiment) =>
  (["quick", "paper"] as const)
    .filter((profile) => fs.existsSync(path.join(root, experiment.id, profile, "runs.jsonl")))
    .map((profile) => ({ experiment, profile })),
);

test("there are committed results to check", () => {
  assert.ok(committed.length >= 2, `found ${committed.length}`);
});

for (const { experiment, profile } of committed) {
  test(`${experiment.id}/${profile}: loads without training and re-renders its committed tables`, async () => {
    // checked before loading: a key that no longer matches must fail here, not train into the committed folder
    const plan = resolveExperiment(experiment, { profile });
    const stored = new Set(new RunsFile(path.join(root, experiment.id, profile)).read().map((r) => runKey(r.configHash, r.seed)));
    const missing = plan.arms.flatMap((a) => plan.seeds.filter((s) => !stored.has(runKey(a.configHash, s))).map((s) => `${a.key} seed ${s}`));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} planned runs have no committed record: their keys no longer match the experiment (npm run migrate-results, or regenerate)`);
    const result = await runOrLoad(experiment, { profile, out: root });
    assert.equal(result.computed, 0, "loading committed results trained runs: their keys no longer match the experiment");
    const dir = path.join(root, experiment.id, profile, "tables");
    for (const [name, table] of Object.entries(reportTables(experiment, result))) {
      const md = path.join(dir, `${name}.md`);
      assert.ok(fs.existsSync(md), `${name}.md is not committed in ${dir}`);
      assert.equal(toMarkdown(table), fs.readFileSync(md, "utf8"), `${experiment.id}/${profile}/tables/${name}.md differs from what its runs give`);
      assert.equal(toCsv(table), fs.readFileSync(path.join(dir, `${name}.csv`), "utf8"), `${name}.csv differs`);
    }
  });
}
