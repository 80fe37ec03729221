/**
 * Figures of the funnel study (plotly specs, pure functions):
 * - CVR AUC over all impressions against the selection bias β, one line per model, error bars =
 *   95 % CI over runs, cut at 1;
 * - funnel-monotonicity violations per later step, AITM variants with and without the calibrator,
 *   error bars = 95 % percentile-bootstrap interval over runs (within [0, 1]).
 */
import type { Figure } from "../../figures";
import { errorBars, PALETTE, rangeMeta, UNIT_RANGE } from "../../figures";
import type { Summary } from "../../stats/across-runs";
import { LATER_STEPS, type AitmAnalysis, type EsmmAnalysis } from "./analysis";
import { funnelLabel } from "./models";


export function aucVsBiasFigure(a: EsmmAnalysis): Figure {
  const data = a.models.map((m, i) => {
    const pts = a.levels.filter((l) => l.cvrAuc[m]?.mean != null);
    return {
      type: "scatter",
      mode: "lines+markers",
      name: funnelLabel(m),
      x: pts.map((l) => l.bias),
      y: pts.map((l) => l.cvrAuc[m].mean),
      // a t-interval of AUCs near 1 can pass 1: cut at the range of an AUC
      error_y: errorBars(pts.map((l) => l.cvrAuc[m].mean), pts.map((l) => l.cvrAuc[m].ci95), UNIT_RANGE, { thickness: 1.2, width: 4 }),
      meta: rangeMeta({ y: UNIT_RANGE }),
      line: { color: PALETTE[i % PALETTE.length] },
      marker: { color: PALETTE[i % PALETTE.length], size: 7 },
    };
  });
  const n = Math.max(0, ...a.levels.flatMap((l) => Object.values(l.cvrAuc).map((s) => s.n)));
  return {
    data,
    layout: {
      title: { text: `CVR AUC over all impressions against selection bias<br><sub>synthetic funnel with known conversion truth; mean and 95 % CI over ${n} runs per point</sub>`, font: { size: 14 } },
      xaxis: { title: { text: "selection bias β (correlation of click and conversion propensity scores)" }, tickvals: a.levels.map((l) => l.bias) },
      yaxis: { title: { text: "test CVR AUC, all impressions" } },
      width: 720,
      height: 440,
    },
  };
}

export function violationsFigure(a: AitmAnalysis): Figure {
  const models = a.models.filter((m) => a.violations[m] && LATER_STEPS.some((t) => a.violations[m][t].mean != null));
  const data = models.map((m, i) => {
    const s = LATER_STEPS.map((t) => a.violations[m][t]);
    return {
      type: "bar",
      name: funnelLabel(m),
      x: LATER_STEPS,
      y: s.map((x) => x.mean ?? 0),
      error_y: errorBars(s.map((x) => x.mean ?? 0), s.map((x) => x.ci95), UNIT_RANGE),
      meta: rangeMeta({ y: UNIT_RANGE }),
      marker: { color: PALETTE[i % PALETTE.length] },
    };
  });
  return {
    data,
    layout: {
      title: { text: "Funnel-monotonicity violations with and without the calibrator<br><sub>share of test impressions predicted more likely to reach a step than the step before; mean over runs, 95 % percentile-bootstrap interval</sub>", font: { size: 14 } },
      barmode: "group",
      xaxis: { title: { text: "funnel step" } },
      yaxis: { title: { text: "violations (share of impressions)" }, rangemode: "tozero" },
      width: 760,
      height: 440,
    },
  };
}
