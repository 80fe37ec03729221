/**
 * Figures of the user-models study (plotly specs, pure functions):
 * - few-shot curves: mean query AUC over the test audiences against the support size k, one line
 *   per arm, error bars = 95 % CI over runs (k on a log-like axis: 0 is drawn at the left);
 * - attention against the truth: per run of DUPN on all tasks, the attention mass on the relevant
 *   behaviours beside their share among the behaviours (what uniform attention would give).
 */
import type { Figure } from "../../figures";
import { PALETTE } from "../../figures";
import type { DupnAnalysis, FewShotAnalysis } from "./analysis";

export function fewShotFigure(a: FewShotAnalysis): Figure {
  const data = a.arms.map((arm, i) => {
    const s = a.shots.map((k) => a.auc[`${arm.condition}/${arm.model}`][k]);
    const ok = s.map((x) => x.mean !== null);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: arm.label,
      x: a.shots.filter((_, j) => ok[j]).map(String),
      y: s.filter((_, j) => ok[j]).map((x) => x.mean),
      error_y: { type: "data", symmetric: false, array: s.filter((_, j) => ok[j]).map((x) => (x.ci95 ? x.ci95[1] - x.mean! : 0)), arrayminus: s.filter((_, j) => ok[j]).map((x) => (x.ci95 ? x.mean! - x.ci95[0] : 0)), thickness: 1.2, width: 4 },
      line: { color: PALETTE[i % PALETTE.length], dash: arm.condition === "meta" ? "solid" : arm.condition === "pooled" ? "dash" : "dot" },
      marker: { color: PALETTE[i % PALETTE.length], size: 7 },
    };
  });
  const n = Math.max(0, ...Object.values(a.auc).flatMap((per) => Object.values(per).map((s) => s.n)));
  return {
    data,
    layout: {
      title: { text: `New audiences: query AUC against support users per audience<br><sub>audience family with known truth; mean over 10 test audiences, 95 % CI over ${n} runs per point</sub>`, font: { size: 14 } },
      xaxis: { title: { text: "support users k of the new audience (adaptation: 10 SGD steps)" }, type: "category" },
      yaxis: { title: { text: "query AUC" } },
      width: 760,
      height: 460,
    },
  };
}

export function attentionFigure(a: DupnAnalysis): Figure {
  const seeds = a.attention.map((x) => `run ${x.seed}`);
  return {
    data: [
      { type: "bar", name: "attention mass on relevant behaviours", x: seeds, y: a.attention.map((x) => x.relevantMass), marker: { color: PALETTE[0] } },
      { type: "bar", name: "their share of the behaviours (uniform attention)", x: seeds, y: a.attention.map((x) => x.uniformMass), marker: { color: PALETTE[7] } },
    ],
    layout: {
      title: { text: "DUPN's attention against the truth<br><sub>behaviours in the query's category are the only ones the labels read; mean over 4,000 test users per run</sub>", font: { size: 14 } },
      barmode: "group",
      xaxis: { title: { text: "run (DUPN trained on click, rank and price)" } },
      yaxis: { title: { text: "mean attention mass" }, range: [0, 1] },
      width: 760,
      height: 420,
    },
  };
}
