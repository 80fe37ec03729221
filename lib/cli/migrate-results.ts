/**
 * npm run migrate-results -- [experiment|study…] [--out DIR] [--sample K] [--all-models] [--drop-bad-lines]
 *
 * Brings stored runs up to what the code writes now (engine/store/migrate.ts): every profile folder of
 * the named experiments (all when none is named) is re-keyed if written under an older run-key
 * definition, its records' data description text follows the data source's current wording,
 * it is given its config.json, and it is proven unchanged by training the first K seeds
 * (default 1) of the first and last model of each condition again (--all-models: of every arm),
 * on a copy of the folder.
 * Exit 0 when every folder is current or was migrated; 1 when a sample differed (that folder
 * is restored as it was); 2 on invalid options. The folder is locked while it migrates; a line
 * that is not a usable record is never deleted: a changed record (and, with --drop-bad-lines,
 * a line that is no record at all) moves to runs.rejected.jsonl with the reason.
 */
import { PROFILES } from "../engine/plan/experiment";
import { migrateFolder, storedProfiles } from "../engine/store/migrate";
import { terminalProgress } from "../engine/report/progress";
import { defaultResultsRoot } from "../engine/store/results-store";
import { experimentIds, getExperiment, resolveTargets } from "../studies";
import { EXIT, intOption, parseCli, pathOption, runCli, UsageError } from "./args";

const USAGE = "usage: npm run migrate-results -- [experiment|study…] [--out DIR] [--sample K] [--all-models] [--drop-bad-lines]";
const OPTIONS = { out: { type: "string" }, sample: { type: "string" }, "all-models": { type: "boolean" }, "drop-bad-lines": { type: "boolean" } } as const;

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseCli(argv, OPTIONS, true);
  let ids: string[];
  try {
    ids = positionals.length ? resolveTargets(positionals).map((e) => e.id) : experimentIds();
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const root = pathOption(v.out, "--out", "results") ?? defaultResultsRoot();
  const sample = v.sample === undefined ? 1 : intOption(v.sample, "--sample", 1, 10_000);
  let failed = 0;
  for (const id of ids) {
    const experiment = getExperiment(id);
    for (const profile of storedProfiles(experiment, root, PROFILES)) {
      const report = await migrateFolder(experiment, profile, { root, sample, models: v["all-models"] ? "all" : "ends", dropBadLines: v["drop-bad-lines"] ?? false, progress: terminalProgress(process.stderr) });
      if (!report) continue;
      process.stdout.write(`${report.line}\n`);
      if (!report.kept) failed++;
    }
  }
  return failed ? EXIT.failure : EXIT.ok;
}

if (require.main === module) runCli(USAGE, () => main(process.argv.slice(2)));
