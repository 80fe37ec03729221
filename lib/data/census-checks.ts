/**
 * The protocol facts of Census-Income (docs/protocol.md), checked on loaded data. `npm run data -- verify` prints them and
 * fails on any miss; tests assert the same list, so the two cannot drift apart.
 */
import type { LoadedCensus } from "./census";
import { CENSUS_FILES } from "./census-files";
import type { CensusLabel } from "./census-prepare";
import { pearson } from "./correlation";
import { prevalence } from "./stats";
import { CENSUS_GROUP_NAMES, censusGroup, TASK_SOURCE_COLUMNS } from "./task-groups";

export interface ProtocolCheck {
  what: string;
  expected: string;
  actual: string;
  ok: boolean;
}

/** The files' published facts: prevalences in percent, to two decimals. */
export const CENSUS_PREVALENCES: Record<"train" | "testFile", Partial<Record<CensusLabel, number>>> = {
  train: { income: 6.21, never_married: 43.35, education_bachelor_plus: 14.77 },
  testFile: { income: 6.2, never_married: 43.25, education_bachelor_plus: 14.72 },
};

/**
 * |Pearson| of label pairs measured on the full data. Measured here (train / test file /
 * both): income–marital .1782/.1787/.1783, bachelor+–marital .1978/.1964/.1973, associate+–marital
 * .2400/.2376/.2392 — no single reading reproduces all three values the design notes give to three decimals, so the
 * check uses train + test file with a tolerance of PEARSON_TOLERANCE, which still separates the two
 * education readings (they differ by 0.04).
 */
export const PEARSON_TOLERANCE = 0.002;

export const CENSUS_LABEL_PEARSON: { a: CensusLabel; b: CensusLabel; value: number; paper?: number }[] = [
  { a: "income", b: "never_married", value: 0.178, paper: 0.1768 },
  { a: "education_bachelor_plus", b: "never_married", value: 0.198 },
  { a: "education_associate_plus", b: "never_married", value: 0.238, paper: 0.2373 },
];

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function censusProtocolChecks(loaded: LoadedCensus): ProtocolCheck[] {
  const p = loaded.prepared;
  const checks: ProtocolCheck[] = [];
  const eq = (what: string, expected: string, actual: string): void => {
    checks.push({ what, expected, actual, ok: expected === actual });
  };
  eq("train rows", String(CENSUS_FILES.train.rows), String(p.train.rows));
  eq("test-file rows", String(CENSUS_FILES.test.rows), String(p.testFile.rows));
  const g = censusGroup(loaded, "mmoe-g1");
  eq("validation rows", "49881", String(g.validation.rows));
  eq("test rows", "49881", String(g.test.rows));
  for (const split of ["train", "testFile"] as const) {
    for (const [label, pct] of Object.entries(CENSUS_PREVALENCES[split])) {
      const actual = (100 * prevalence(p[split].labels[label as CensusLabel])).toFixed(2);
      eq(`${split} prevalence ${label} (%)`, pct.toFixed(2), actual);
    }
  }
  for (const { a, b, value } of CENSUS_LABEL_PEARSON) {
    const r = Math.abs(
      pearson(concat(p.train.labels[a], p.testFile.labels[a]), concat(p.train.labels[b], p.testFile.labels[b])),
    );
    checks.push({
      what: `|Pearson(${a}, ${b})| on train + test file`,
      expected: `${value.toFixed(3)} ± ${PEARSON_TOLERANCE}`,
      actual: r.toFixed(4),
      ok: Math.abs(r - value) <= PEARSON_TOLERANCE,
    });
  }
  for (const name of CENSUS_GROUP_NAMES) {
    const grp = censusGroup(loaded, name);
    const leaked = [...grp.numericColumns, ...grp.categoricalColumns].filter(
      (c) => (TASK_SOURCE_COLUMNS as readonly string[]).includes(c) || c === "instance_weight" && !p.options.keepInstanceWeight,
    );
    const regressionSources = name === "seesaw-weeks" ? ["weeks_worked"] : name === "seesaw-wage" ? ["wage_per_hour"] : [];
    leaked.push(...regressionSources.filter((c) => grp.numericColumns.includes(c)));
    eq(`${name}: task source columns among inputs`, "none", leaked.length ? leaked.join(", ") : "none");
  }
  return checks;
}
