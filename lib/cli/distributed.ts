/**
 * The options of `npm run reproduce` that spread a profile over several machines (docs/several-machines.md):
 *   --queue redis://HOST:6379   the groups train on a BullMQ queue (npm run worker on each machine)
 *   --shard K/N                 this process trains group i when i mod N = K (Slurm / k8s job arrays)
 *   --merge DIR…                joins shard folders into the results folder; trains nothing
 * Parsed here so that reproduce.ts only forwards them.
 */
import { resolveExperiment, type ProfileName } from "../engine/plan/experiment";
import { mergeShards } from "../engine/distributed/merge";
import { parseQueueUrl } from "../engine/distributed/queue";
import { runKey } from "../engine/store/results-store";
import type { ExperimentResult } from "../engine/plan/experiment";
import { parseShard, shardRunKeys, type Shard } from "../engine/distributed/shard";
import { terminalProgress } from "../engine/report/progress";
import { getExperiment } from "../studies";
import { EXIT, UsageError } from "./args";

export const DISTRIBUTED_OPTIONS = {
  queue: { type: "string" },
  shard: { type: "string" },
} as const;

export const DISTRIBUTED_USAGE = "[--queue redis://HOST:6379 | --shard K/N | --merge DIR…]";

export interface DistributedArgs {
  queue?: string;
  shard?: Shard;
  merge?: string[];
}

/** `--merge DIR…` takes every following argument up to the next option: parseArgs wants one value per flag. */
export function takeMergeDirs(argv: readonly string[]): { argv: string[]; merge?: string[] } {
  const at = argv.indexOf("--merge");
  if (at < 0) return { argv: [...argv] };
  let end = at + 1;
  while (end < argv.length && !argv[end].startsWith("-")) end++;
  const merge = argv.slice(at + 1, end);
  if (merge.length === 0) throw new UsageError("--merge needs the shard folders to merge (e.g. --merge results-shard-0 results-shard-1)");
  if (argv.indexOf("--merge", end) >= 0) throw new UsageError("give --merge once, followed by all the shard folders");
  return { argv: [...argv.slice(0, at), ...argv.slice(end)], merge };
}

/** Validates the distributed options against the rest; `others` names the other options given. */
export function parseDistributed(v: { queue?: string; shard?: string }, merge: string[] | undefined, others: { force: boolean; verify: boolean; dropBadLines: boolean }): DistributedArgs {
  const given = [v.queue !== undefined && "--queue", v.shard !== undefined && "--shard", merge && "--merge"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(" and ")} cannot be combined: give one of them`);
  if (given.length && others.verify) throw new UsageError(`--verify recomputes stored runs on this machine: give it without ${given[0]}`);
  if (merge && (others.force || others.dropBadLines)) throw new UsageError("--merge adds the shards' runs to the folder as they are: give it without --force or --drop-bad-lines");
  if (v.queue !== undefined && others.force) throw new UsageError("--queue with --force could collect runs finished on the queue before: empty the folder with --force first (without --queue), then enqueue");
  const out: DistributedArgs = {};
  try {
    if (v.queue !== undefined) out.queue = parseQueueUrl(v.queue);
    if (v.shard !== undefined) out.shard = parseShard(v.shard);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new UsageError(e.message);
  }
  if (merge) out.merge = merge;
  return out;
}

/** Whether a shard's runs are all stored (its summary is incomplete by design). */
export function shardComplete(result: ExperimentResult, id: string, opts: { profile: ProfileName; runs?: number; models: string[]; set?: string[] }, shard: Shard): boolean {
  const plan = resolveExperiment(getExperiment(id), { profile: opts.profile, runs: opts.runs, models: opts.models, set: opts.set });
  const stored = new Set(result.runs.map((r) => runKey(r.configHash, r.seed)));
  return shardRunKeys(plan, shard).every((k) => stored.has(k));
}

/** `--merge`: one line per experiment; exit 1 when a merged folder is still incomplete. */
export async function mergeCommand(experiments: string[], dirs: string[], opts: { profile: ProfileName; runs?: number; models: string[]; out?: string; set?: string[] }): Promise<number> {
  let incomplete = 0;
  for (const id of experiments) {
    const models = opts.models.filter((m) => Object.keys(getExperiment(id).models).includes(m));
    const merged = await mergeShards(getExperiment(id), dirs, { profile: opts.profile, runs: opts.runs, models, set: opts.set, out: opts.out, progress: terminalProgress(process.stderr) });
    const line = `${id}/${opts.profile}: merged ${dirs.length} folder(s), ${merged.added} run(s) added; ${merged.stored} of ${merged.expected} runs stored`;
    if (merged.result) {
      process.stderr.write(`${line} → ${merged.result.reportDir}\n`);
      process.stdout.write(`${merged.result.reportDir}\n`);
    } else {
      incomplete += 1;
      const shown = merged.missingGroups.slice(0, 12).join(", ") + (merged.missingGroups.length > 12 ? ", …" : "");
      process.stderr.write(
        `error: ${line}: groups ${shown} (plan order; group i belongs to shard i mod N) are missing. ` +
          `Run their shards and merge again, or run the command without --merge to train them here. No summary or report was written.\n`,
      );
    }
  }
  return incomplete ? EXIT.failure : EXIT.ok;
}
