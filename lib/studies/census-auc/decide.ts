/**
 * Notebook 03's claims for `--decide`: each claim, the arms whose runs it reads, and the claims
 * built by the analysis' own censusClaims. A row's arms are all its search candidates: the
 * candidate a row reads is chosen on validation AUC over the runs, so every candidate keeps
 * getting the seeds its row's claims need. The paper family spans both experiments and is
 * corrected for all its claims whichever experiment is decided.
 */
import type { DecideClaim, DecideSource } from "../../decide/source";
import { applyArmLearningRates } from "../../engine/store/run-record";
import { withOwnTaskRuns } from "../own-task-runs";
import { censusClaims } from "./analysis";
import { adattRowCandidates, EXPERT_COUNTS, MMOE_GROUPS, MMOE_TABLE_CANDIDATES, MMOE_ONE_TASK_CONDITIONS, MMOE_TABLE_ROWS, ONE_HOT_VARIANT_MODELS, PLE_TABLE_CANDIDATES, ADATT_ENCODINGS, type MmoeGroup } from "./design";
import { CENSUS_REGISTRATION, MMOE_CENSUS_GROUP1, MMOE_CENSUS_GROUP2, sharedBottomCases } from "./paper";

const FAMILIES = { paper: CENSUS_REGISTRATION.families.paper.label, checks: CENSUS_REGISTRATION.families.checks.label };
const PAPER_CLAIMS = Object.values(CENSUS_REGISTRATION.claims).filter((c) => c.family === "paper").length;

/** A row's arms: every candidate under the group, and Single-Task's under each task's one-task condition. */
const mmoeArms = (group: MmoeGroup, rows: readonly string[]) =>
  rows.flatMap((row) => {
    const candidates = row === "ple" ? PLE_TABLE_CANDIDATES : MMOE_TABLE_CANDIDATES[row as keyof typeof MMOE_TABLE_CANDIDATES];
    const conditions = row === "single-task" ? MMOE_ONE_TASK_CONDITIONS.filter((c) => c.of === group).map((c) => c.condition) : [group];
    return conditions.flatMap((condition) => candidates.map((c) => `${condition}/${c.name}`));
  });

const MMOE_CLAIMS: DecideClaim[] = [
  { id: "mmoe-g2:mmoe-best", family: "paper", arms: mmoeArms("mmoe-g2", MMOE_TABLE_ROWS) },
  {
    id: "mmoe:shared-bottom-worst",
    family: "paper",
    arms: MMOE_GROUPS.flatMap((g) => mmoeArms(g, ["shared-bottom", ...sharedBottomCases(g === "mmoe-g1" ? MMOE_CENSUS_GROUP1 : MMOE_CENSUS_GROUP2)])),
  },
  { id: "ple-table5:ple-best", family: "paper", arms: mmoeArms("mmoe-g1", ["ple", "mmoe", "single-task"]) },
];

export const censusMmoeDecide: DecideSource = {
  experiment: "census-mmoe",
  families: FAMILIES,
  familySizes: { paper: PAPER_CLAIMS },
  claims: MMOE_CLAIMS,
  build: (runs) => censusClaims({ mmoe: withOwnTaskRuns(applyArmLearningRates(runs), MMOE_ONE_TASK_CONDITIONS) }).paper,
};

const ADATT_CLAIMS: DecideClaim[] = [
  ...EXPERT_COUNTS.map((n) => {
    const rows = (["adatt", "ml-mmoe", "ple"] as const).map((row) => adattRowCandidates(n, row).map((c) => `by-name/${c.name}`));
    return { id: `adatt-table5:${n}:adatt-best`, family: "paper", arms: rows.flat(), needs: rows };
  }),
  (() => {
    const byEncoding = ADATT_ENCODINGS.map((e) => ONE_HOT_VARIANT_MODELS.map((m) => `${e}/${m}`));
    return { id: "one-hot:moves-to-paper", family: "checks", arms: byEncoding.flat(), needs: byEncoding };
  })(),
];

export const censusAdattDecide: DecideSource = {
  experiment: "census-adatt",
  families: FAMILIES,
  familySizes: { paper: PAPER_CLAIMS },
  claims: ADATT_CLAIMS,
  build: (runs) => {
    const c = censusClaims({ adatt: applyArmLearningRates(runs) });
    return [...c.paper, ...c.checks];
  },
};
