/**
 * Figures of the AdaTT ablation study as plotly specs (pure functions from runs to `Figure`):
 * Fig. 3's fusion-weight heatmaps per level, and Tables 6–8's relative changes with their 95 %
 * CIs beside the paper's values.
 */
import type { RunRecord } from "../../engine/store/run-record";
import { colorAt, errorBars, rangeMeta, RELATIVE_CHANGE_RANGE, type Figure } from "../../figures";
import { expertWeightsOf, GROUP_LABELS, GROUPS, type RelativeChange } from "./analysis";
import { COMPARISONS, FIG3_MODEL, modelLabel } from "./models";

/** Grid cell domains: `count` equal parts of [0, 1] with a gap between them. */
function domains(count: number, gap: number): [number, number][] {
  const w = (1 - gap * (count - 1)) / count;
  return Array.from({ length: count }, (_, i) => [i * (w + gap), i * (w + gap) + w] as [number, number]);
}

const axisName = (i: number, letter: "x" | "y") => (i === 0 ? letter : `${letter}${i + 1}`);
const layoutAxis = (i: number, letter: "x" | "y") => (i === 0 ? `${letter}axis` : `${letter}axis${i + 1}`);

/**
 * AdaTT Fig. 3: one heatmap per fusion level, rows = the task whose unit fuses, columns = the
 * expert weighted (NativeExpertLF + AllExpertGF, mean over the test split and over seeds).
 */
export function expertWeightHeatmapFigure(runs: readonly RunRecord[], group: string): Figure {
  const w = expertWeightsOf(runs, group);
  const title = `AdaTT Fig. 3, ${GROUP_LABELS[group] ?? group}: NativeExpertLF + AllExpertGF weights<br>${modelLabel(FIG3_MODEL)}`;
  if (!w) {
    return { data: [], layout: { title: { text: title }, annotations: [{ text: "no runs with fusion weights", showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5 }], width: 720, height: 360 } };
  }
  const L = w.mean.length;
  const cols = w.experts.map((e) => e.replace(/\/0$/, ""));
  const zmax = Math.max(...w.mean.flat(2));
  const doms = domains(L, 0.12);
  const data = w.mean.map((z, l) => ({
    type: "heatmap",
    z,
    x: cols,
    y: w.tasks,
    xaxis: axisName(l, "x"),
    yaxis: axisName(l, "y"),
    zmin: 0,
    zmax,
    colorscale: "Blues",
    reversescale: true, // plotly's Blues runs dark → light; light = low weight reads naturally
    showscale: l === L - 1,
    colorbar: { title: { text: "weight" } },
    hovertemplate: "task %{y} ← expert %{x}: %{z:.3f}<extra>level " + (l + 1) + "</extra>",
  }));
  const annotations = w.mean.flatMap((z, l) =>
    z.flatMap((row, t) =>
      row.map((v, e) => ({ text: v.toFixed(2), x: cols[e], y: w.tasks[t], xref: axisName(l, "x"), yref: axisName(l, "y"), showarrow: false, font: { size: 11, color: v > 0.6 * zmax ? "white" : "black" } })),
    ),
  );
  const axes = Object.fromEntries(
    w.mean.flatMap((_, l) => [
      [layoutAxis(l, "x"), { domain: doms[l], title: { text: `experts, fusion level ${l + 1}` }, anchor: axisName(l, "y"), side: "bottom" }],
      [layoutAxis(l, "y"), { autorange: "reversed", anchor: axisName(l, "x"), title: { text: l === 0 ? "fusing task" : "" } }],
    ]),
  );
  return {
    data,
    layout: {
      title: { text: `${title}, mean over the test split and ${w.perSeed.size} seeds`, font: { size: 13 } },
      ...axes,
      annotations,
      width: Math.max(720, 360 * L),
      height: 200 + 45 * w.tasks.length,
      margin: { t: 80, b: 60 },
    },
  };
}

/**
 * Tables 6–8 in one figure: rows = task groups, columns = tables; per variant a bar per task with
 * its 95 % CI, and the paper's four values as open diamonds.
 */
export function relativeChangeFigure(changes: readonly RelativeChange[]): Figure {
  const tables = [6, 7, 8] as const;
  const groups = GROUPS.filter((g) => changes.some((c) => c.group === g));
  const colDom = domains(3, 0.07);
  const rowDom = domains(Math.max(1, groups.length), 0.18).reverse(); // first group on top
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  let paperShown = false;
  groups.forEach((g, gi) => {
    const tasks = [...new Set(changes.filter((c) => c.group === g).map((c) => c.task))];
    tables.forEach((table, ti) => {
      const i = gi * 3 + ti;
      const x = axisName(i, "x"), y = axisName(i, "y");
      const comps = COMPARISONS.filter((c) => c.table === table);
      tasks.forEach((task, k) => {
        const pts = comps.map((c) => changes.find((ch) => ch.group === g && ch.comparison === c && ch.task === task && ch.metric !== "AUC"));
        data.push({
          type: "bar",
          name: `${GROUP_LABELS[g] ?? g}: ${task} (${pts[0]?.metric ?? ""})`,
          legendgroup: `${g}/${task}`,
          showlegend: ti === 0,
          x: comps.map((c) => c.short),
          y: pts.map((p) => p?.mean ?? null),
          error_y: errorBars(pts.map((p) => p?.mean ?? null), pts.map((p) => p?.ci95 ?? null), RELATIVE_CHANGE_RANGE),
          meta: rangeMeta({ y: RELATIVE_CHANGE_RANGE }),
          marker: { color: colorAt(gi * 4 + k) },
          xaxis: x,
          yaxis: y,
        });
      });
      data.push({
        type: "scatter",
        mode: "markers",
        name: "paper (its tasks 1–4)",
        legendgroup: "paper",
        showlegend: !paperShown,
        x: comps.flatMap((c) => c.paper.map(() => c.short)),
        y: comps.flatMap((c) => [...c.paper]),
        marker: { symbol: "diamond-open", size: 9, color: "black" },
        xaxis: x,
        yaxis: y,
      });
      paperShown = true;
      layout[layoutAxis(i, "x")] = { domain: colDom[ti], anchor: y };
      layout[layoutAxis(i, "y")] = { domain: rowDom[gi], anchor: x, zeroline: true, zerolinecolor: "#444", title: { text: ti === 0 ? `${GROUP_LABELS[g] ?? g}: Δ % (NE / MSE)` : "" } };
      if (gi === 0) annotations.push({ text: `Table ${table}`, x: (colDom[ti][0] + colDom[ti][1]) / 2, y: 1.04, xref: "paper", yref: "paper", showarrow: false, font: { size: 13 } });
    });
  });
  return {
    data,
    layout: {
      title: { text: "AdaTT Tables 6–8: relative change of test NE / MSE against each table's baseline (mean and 95 % CI over seeds; negative = better)", font: { size: 13 } },
      barmode: "group",
      ...layout,
      annotations,
      width: 1100,
      height: 260 + 280 * groups.length,
      legend: { orientation: "h", y: -0.12 },
      margin: { t: 80 },
    },
  };
}
