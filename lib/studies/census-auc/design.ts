/**
 * The design of the census study, as constants the experiments, the analysis and the figures
 * share: which trained models (the engine's "models") are the search candidates of which table
 * row, and the task order each table is read in.
 *
 * The search (MMoE §6.3 tuned every method on the main task's validation AUC under a cap of 2,048
 * hidden units per layer): every row of MMoE Tables 1–2 has two candidates, a layer budget of 64
 * or 128 hidden units in total (experts × units for the MoE models, task networks × units for
 * the per-task ones), all trained on the same seeds; the candidate with the best mean
 * main-task validation AUC is the row's chosen configuration and the table reports its test AUC.
 * AdaTT Table 5 fixes sizes (6 experts of 128 then 64 units, 9 of 96 then 48, towers 32) and
 * tunes only the shared-expert count m_s of PLE and AdaTT (task experts = (total − m_s) / 3);
 * the chosen m_s has the best validation AUC averaged over the three tasks.
 */
import type { ModelConfig } from "../../models/config";
import type { AdattTableModel, MmoeCensusModel } from "./paper";

/** Hidden units per layer a candidate spends, for the search table. */
export interface Candidate {
  name: string;
  config: ModelConfig;
  /** "64 units (2 × 32)" etc. */
  describe: string;
}

const TOWER_MMOE = [8]; // MMoE §5.1 and the public census configs (PaddleRec, keras-mmoe) use towers of 8
const cand = (name: string, config: ModelConfig, describe: string): Candidate => ({ name, config, describe });

/** MMoE Tables 1–2: row → its two search candidates (layer budget 64, then 128 hidden units). */
export const MMOE_TABLE_CANDIDATES: Record<MmoeCensusModel, Candidate[]> = {
  "single-task": [
    cand("single-task-32", { kind: "single-task", bottomUnits: [32], towerUnits: TOWER_MMOE }, "2 task networks × 32 = 64 units"),
    cand("single-task-64", { kind: "single-task", bottomUnits: [64], towerUnits: TOWER_MMOE }, "2 task networks × 64 = 128 units"),
  ],
  "shared-bottom": [
    cand("shared-bottom-64", { kind: "shared-bottom", bottomUnits: [64], towerUnits: TOWER_MMOE }, "bottom 64 units"),
    cand("shared-bottom-128", { kind: "shared-bottom", bottomUnits: [128], towerUnits: TOWER_MMOE }, "bottom 128 units"),
  ],
  "l2-constrained": [
    cand("l2-constrained-32", { kind: "l2-constrained", bottomUnits: [32], towerUnits: TOWER_MMOE, alpha: 1e-3 }, "2 × 32 = 64 units, α = 1e-3"),
    cand("l2-constrained-64", { kind: "l2-constrained", bottomUnits: [64], towerUnits: TOWER_MMOE, alpha: 1e-3 }, "2 × 64 = 128 units, α = 1e-3"),
  ],
  "cross-stitch": [
    cand("cross-stitch-32", { kind: "cross-stitch", units: [32], towerUnits: TOWER_MMOE }, "2 × 32 = 64 units"),
    cand("cross-stitch-64", { kind: "cross-stitch", units: [64], towerUnits: TOWER_MMOE }, "2 × 64 = 128 units"),
  ],
  "tensor-factorization": [
    cand("tensor-factorization-32", { kind: "tensor-factorization", bottomUnits: [32], towerUnits: TOWER_MMOE, rank: 8, taskRank: 2 }, "2 × 32 = 64 units, Tucker ranks 8, 8, 2"),
    cand("tensor-factorization-64", { kind: "tensor-factorization", bottomUnits: [64], towerUnits: TOWER_MMOE, rank: 8, taskRank: 2 }, "2 × 64 = 128 units, Tucker ranks 8, 8, 2"),
  ],
  omoe: [
    cand("omoe-8x8", { kind: "omoe", experts: 8, expertUnits: [8], towerUnits: TOWER_MMOE }, "8 experts × 8 = 64 units"),
    cand("omoe-8x16", { kind: "omoe", experts: 8, expertUnits: [16], towerUnits: TOWER_MMOE }, "8 experts × 16 = 128 units"),
  ],
  mmoe: [
    cand("mmoe-8x8", { kind: "mmoe", experts: 8, expertUnits: [8], towerUnits: TOWER_MMOE }, "8 experts × 8 = 64 units"),
    cand("mmoe-8x16", { kind: "mmoe", experts: 8, expertUnits: [16], towerUnits: TOWER_MMOE }, "8 experts × 16 = 128 units"),
  ],
};

/**
 * PLE Table 5's census row needs PLE on group 1 (PLE §5.2: "same setup as MMoE"): two
 * extraction levels, 3 task experts per task + 2 shared = 8 experts per level, the same two
 * layer budgets as MMoE.
 */
export const PLE_TABLE_CANDIDATES: Candidate[] = [
  cand("ple-8x8", { kind: "ple", taskExperts: 3, sharedExperts: 2, expertUnits: [[8], [8]], towerUnits: TOWER_MMOE }, "2 levels × (2 tasks × 3 + 2 shared) experts × 8 = 64 units"),
  cand("ple-8x16", { kind: "ple", taskExperts: 3, sharedExperts: 2, expertUnits: [[16], [16]], towerUnits: TOWER_MMOE }, "2 levels × (2 tasks × 3 + 2 shared) experts × 16 = 128 units"),
];

export const MMOE_TABLE_ROWS = Object.keys(MMOE_TABLE_CANDIDATES) as MmoeCensusModel[];

/** The census-mmoe conditions: MMoE's two task groups (main task first). */
export const MMOE_GROUPS = ["mmoe-g1", "mmoe-g2"] as const;
export type MmoeGroup = (typeof MMOE_GROUPS)[number];

// ---------------------------------------------------------------------------------------------
// AdaTT Table 5

/** Rows of our AdaTT table: the paper's three, then the extra rows the issue asks for. */
export type AdattRow = AdattTableModel | "adatt-sp" | "cgc" | "mmoe";
export const ADATT_ROWS: readonly AdattRow[] = ["ml-mmoe", "ple", "adatt", "adatt-sp", "cgc", "mmoe"];
export const ADATT_PAPER_ROWS: readonly AdattTableModel[] = ["ml-mmoe", "ple", "adatt"];

export type ExpertCount = 6 | 9;
export const EXPERT_COUNTS: readonly ExpertCount[] = [6, 9];

const TOWER_ADATT = [32];
const LEVELS: Record<ExpertCount, number[][]> = { 6: [[128], [64]], 9: [[96], [48]] };
const SINGLE_LEVEL: Record<ExpertCount, number[]> = { 6: [128, 64], 9: [96, 48] };

function adattCandidates(n: ExpertCount): Record<AdattRow, Candidate[]> {
  const levels = LEVELS[n];
  const dims = `${levels[0][0]} then ${levels[1][0]}`;
  const ms = (s: number) => ({ taskExperts: (n - s) / 3, sharedExperts: s });
  return {
    "ml-mmoe": [cand(`ml-mmoe-${n}`, { kind: "ml-mmoe", experts: n, expertUnits: levels, towerUnits: TOWER_ADATT }, `${n} experts per level, ${dims}`)],
    // PLE needs a shared expert: m_s ∈ {3} with 6 experts, {3, 6} with 9
    ple: (n === 6 ? [3] : [3, 6]).map((s) => cand(`ple-${n}-s${s}`, { kind: "ple", ...ms(s), expertUnits: levels, towerUnits: TOWER_ADATT }, `m_s = ${s}, ${(n - s) / 3} per task, ${dims}`)),
    // AdaTT: m_s = 0 is AdaTT-sp, the configuration AdaTT's caption reports as its best
    adatt: [
      cand(`adatt-sp-${n}`, { kind: "adatt-sp", taskExperts: n / 3, expertUnits: levels, towerUnits: TOWER_ADATT }, `m_s = 0 (AdaTT-sp), ${n / 3} per task, ${dims}`),
      cand(`adatt-${n}-s3`, { kind: "adatt", ...ms(3), expertUnits: levels, towerUnits: TOWER_ADATT }, `m_s = 3, ${(n - 3) / 3} per task, ${dims}`),
    ],
    "adatt-sp": [],
    // one level, experts of two layers: CGC with m_s = 3 (not searched), MMoE over n experts
    cgc: [cand(`cgc-${n}-s3`, { kind: "cgc", ...ms(3), expertUnits: SINGLE_LEVEL[n], towerUnits: TOWER_ADATT }, `one level, m_s = 3, ${(n - 3) / 3} per task, experts ${SINGLE_LEVEL[n].join("-")}`)],
    mmoe: [cand(`mmoe-${n}`, { kind: "mmoe", experts: n, expertUnits: SINGLE_LEVEL[n], towerUnits: TOWER_ADATT }, `one level, ${n} experts ${SINGLE_LEVEL[n].join("-")}`)],
  };
}

/** AdaTT Table 5: expert count → row → its candidates ("adatt-sp" reads the AdaTT row's m_s = 0 candidate). */
export const ADATT_TABLE_CANDIDATES: Record<ExpertCount, Record<AdattRow, Candidate[]>> = { 6: adattCandidates(6), 9: adattCandidates(9) };

/** The model an AdaTT row is read from when it has no search of its own. */
export function adattRowCandidates(n: ExpertCount, row: AdattRow): Candidate[] {
  return row === "adatt-sp" ? ADATT_TABLE_CANDIDATES[n].adatt.filter((c) => c.config.kind === "adatt-sp") : ADATT_TABLE_CANDIDATES[n][row];
}

/** The census-adatt conditions: the correct encoding and the public code's one-hot shift. */
export const ADATT_ENCODINGS = ["by-name", "positional-per-file"] as const;

/** Models also trained with the one-hot shift: one per paper row of Table 5, at 6 experts. */
export const ONE_HOT_VARIANT_MODELS = ["ml-mmoe-6", "ple-6-s3", "adatt-sp-6"] as const;

/**
 * The order this study reads AdaTT Table 5's "Task 1/2/3" columns in: by magnitude (education,
 * income, never married), not as the text names them: the text's order would put
 * never-married AUC at .87 and education at .97, the reverse of every census result (ours, MMoE's
 * Tables 1–2, MMoEEx's), while MMoEEx — the framework AdaTT adapted — orders tasks alphabetically.
 */
export const ADATT_COLUMN_TASKS = ["education", "income", "marital"] as const;
export type AdattTask = (typeof ADATT_COLUMN_TASKS)[number];
