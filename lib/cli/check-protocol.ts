/**
 * `npm run check-protocol [-- EXPERIMENT… --profile P --strict]`: whether each experiment's stored
 * runs follow the training protocol (lib/engine/plan/protocol-check.ts): converged, learning rate
 * tuned, minibatch order varied by seed, selected on validation, stop reason recorded. Reads
 * runs.jsonl only; trains nothing. --strict exits 1 when a listed experiment fails a criterion.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_PROFILE, PROFILES } from "../engine/plan/experiment";
import { checkProtocol, type ProtocolCheck } from "../engine/plan/protocol-check";
import { defaultResultsRoot, resultsDir, RunsFile, RUNS_FILE } from "../engine/store/results-store";
import { experimentIds } from "../studies";
import { EXIT, parseCli, runCli, UsageError } from "./args";

const USAGE = "usage: npm run check-protocol [-- EXPERIMENT…] [--profile smoke|quick|paper] [--strict]   (every experiment with results by default)";

const frac = (x: { count: number; of: number }) => (x.of ? `${x.count} / ${x.of}` : "–");

export const PROTOCOL_HEADER = "| experiment | runs | best checkpoint before the last evaluation | fewest learning rates per arm | arms whose seeds vary the order | selected on validation | stop reason recorded | verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- |";

export function protocolRow(experiment: string, c: ProtocolCheck): string {
  const selected = c.selectedOnValidation ? `${frac(c.selectedOnValidation)}${c.selectedOnValidation.onTest ? ` (${c.selectedOnValidation.onTest} on test)` : ""}` : "n/a (several tasks)";
  return `| \`${experiment}\` | ${c.runs} | ${frac(c.bestBeforeLast)} | ${c.fewestLearningRates} | ${frac(c.armsVaryingOrder)} | ${selected} | ${c.stopReasons} | ${c.failures.length ? c.failures.join("; ") : "meets the protocol"} |`;
}

function main(): number {
  const { values, positionals } = parseCli(process.argv.slice(2), { profile: { type: "string" }, strict: { type: "boolean" } }, true);
  const profile = values.profile ?? DEFAULT_PROFILE;
  if (!(PROFILES as readonly string[]).includes(profile)) throw new UsageError(`--profile must be one of ${PROFILES.join(", ")}; got "${profile}"`);
  const known = experimentIds();
  for (const e of positionals) if (!known.includes(e)) throw new UsageError(`unknown experiment "${e}"; experiments: ${known.join(", ")}`);
  const root = defaultResultsRoot();
  const ids = positionals.length ? positionals : known.filter((e) => fs.existsSync(path.join(resultsDir(root, e, profile), RUNS_FILE)));
  console.log(PROTOCOL_HEADER);
  let failed = 0;
  for (const id of ids) {
    const dir = resultsDir(root, id, profile);
    if (!fs.existsSync(path.join(dir, RUNS_FILE))) {
      console.log(`| \`${id}\` | 0 | – | – | – | – | – | no runs at profile ${profile} |`);
      failed++;
      continue;
    }
    const c = checkProtocol(new RunsFile(dir).read());
    if (c.failures.length) failed++;
    console.log(protocolRow(id, c));
  }
  return values.strict && failed ? EXIT.failure : EXIT.ok;
}

if (require.main === module) runCli(USAGE, main);
