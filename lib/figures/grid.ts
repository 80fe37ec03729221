/** Panels of a plotly figure laid out in a grid: axis names and domains. */

/** plotly's name of axis i (0-based) as traces refer to it: "x", "x2", … */
export const axisName = (kind: "x" | "y", i: number) => (i === 0 ? kind : `${kind}${i + 1}`);
/** plotly's layout key of axis i: "xaxis", "xaxis2", … */
export const layoutKey = (kind: "x" | "y", i: number) => (i === 0 ? `${kind}axis` : `${kind}axis${i + 1}`);

export interface GridCell {
  xaxis: string;
  yaxis: string;
  x: [number, number];
  y: [number, number];
  row: number;
  column: number;
}

/** Panel i of `count` panels in `columns` columns (row-major, top row first), gaps as fractions of the figure. */
export function gridCell(i: number, count: number, columns: number, gaps: { x: number; y: number } = { x: 0.08, y: 0.2 }): GridCell {
  const rows = Math.ceil(count / columns);
  const w = (1 - gaps.x * (columns - 1)) / columns;
  const h = (1 - gaps.y * (rows - 1)) / Math.max(1, rows);
  const column = i % columns;
  const row = Math.floor(i / columns);
  const top = 1 - row * (h + gaps.y);
  return { xaxis: axisName("x", i), yaxis: axisName("y", i), x: [column * (w + gaps.x), column * (w + gaps.x) + w], y: [top - h, top], row, column };
}

/** A panel title above a grid cell (paper coordinates). */
export function panelTitle(text: string, cell: GridCell, size = 13): Record<string, unknown> {
  return { text, showarrow: false, xref: "paper", yref: "paper", x: (cell.x[0] + cell.x[1]) / 2, y: cell.y[1] + 0.01, xanchor: "center", yanchor: "bottom", font: { size } };
}
