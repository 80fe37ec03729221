/**
 * No label of a figure overprints another: each figure is drawn by plotly in chromium (as the
 * static images are) and every pair of text boxes (ticks, axis and panel titles, legend entries,
 * annotations) is checked for overlap, and every text for being inside the figure. Run on the
 * census figures and the seesaw bubble plot, the ones whose labels used to collide.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM_ARGS, findChromium, plotlyJsPath, studies, figureSize, type Figure, type RunRecord } from "mtl-lab";

const c = studies.censusAuc;

interface Box {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Every non-empty text plotly draws for the figure, with its box on the page. */
async function drawnTexts(page: Page, fig: Figure): Promise<Box[]> {
  const { width, height } = figureSize(fig);
  const boxes = await page.evaluate(
    async ({ fig, width, height }) => {
      const P = (window as unknown as { Plotly: any }).Plotly; // eslint-disable-line @typescript-eslint/no-explicit-any
      const gd = document.getElementById("g") as HTMLElement;
      await P.newPlot(gd, fig.data, { ...fig.layout, width, height }, { staticPlot: true });
      const origin = gd.getBoundingClientRect();
      const out = Array.from(gd.querySelectorAll("text"))
        .filter((t) => (t.textContent ?? "").trim() !== "" && getComputedStyle(t).opacity !== "0")
        .map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent ?? "", x: r.x - origin.x, y: r.y - origin.y, w: r.width, h: r.height };
        })
        .filter((b) => b.w > 0 && b.h > 0);
      P.purge(gd);
      return out;
    },
    { fig, width, height },
  );
  return boxes;
}

/** Pairs of drawn texts whose boxes overlap by more than 2 px in both directions, and texts cut off by the figure's edge. */
async function overlappingLabels(page: Page, fig: Figure): Promise<string[]> {
  const boxes = await drawnTexts(page, fig);
  const { width, height } = figureSize(fig);
  const cut = boxes.filter((b) => b.x < -1 || b.y < -1 || b.x + b.w > width + 1 || b.y + b.h > height + 1).map((b) => `"${b.text}" cut off by the edge`);
  const overlap = (a: Box, b: Box) => Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 2 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 2;
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlap(boxes[i], boxes[j])) out.push(`"${boxes[i].text}" × "${boxes[j].text}"`);
  return [...cut, ...out];
}

// hand-made census runs: every candidate, four seeds, AUCs near the committed ones
const SEEDS = [1, 2, 3, 4];
function run(condition: string, model: string, seed: number, tasks: readonly string[], auc: number): RunRecord {
  const metrics = Object.fromEntries(tasks.map((t) => [t, { auc }]));
  return {
    condition, model, seed, arm: `${condition}/${model}`, status: "ok", metrics: { validation: metrics, test: metrics }, selection: { task: tasks[0], metric: "auc" },
    curves: { steps: [130, 260, 390, 520, 650, 780], train: {}, validation: {}, selection: [auc - 0.01, auc - 0.004, auc - 0.002, auc - 0.001, auc - 0.0005, auc] },
  } as unknown as RunRecord;
}
const noise = (s: number, k: number) => 0.001 * Math.sin(3 * s + k);

function censusRuns(): { mmoe: RunRecord[]; adatt: RunRecord[] } {
  const mmoe = c.MMOE_GROUPS.flatMap((g) => {
    const { main, auxiliary } = c.MMOE_PAPER_TABLE[g].tasks;
    return [...Object.values(c.MMOE_TABLE_CANDIDATES).flat(), ...c.PLE_TABLE_CANDIDATES].flatMap((cand, k) => SEEDS.map((s) => run(g, cand.name, s, [main, auxiliary], 0.94 + noise(s, k))));
  });
  const names = [...new Set(c.EXPERT_COUNTS.flatMap((n) => c.ADATT_ROWS.flatMap((r) => c.adattRowCandidates(n, r).map((x) => x.name))))];
  const adatt = [
    ...names.flatMap((m, k) => SEEDS.map((s) => run("by-name", m, s, c.ADATT_COLUMN_TASKS, 0.93 + noise(s, k)))),
    ...c.ONE_HOT_VARIANT_MODELS.flatMap((m, k) => SEEDS.map((s) => run("positional-per-file", m, s, c.ADATT_COLUMN_TASKS, 0.9 + noise(s, k)))),
  ];
  return { mmoe, adatt };
}

/** Eleven seesaw models whose gains cluster near the origin, as on Census-Income (labels beside bubbles collided there). */
function seesawRuns(): RunRecord[] {
  return studies.seesaw.SEESAW_MODELS.flatMap((model, k) =>
    SEEDS.map((seed) => {
      const gain = model === "single-task" ? 0 : 0.0004 * Math.sin(k) + noise(seed, k) / 4;
      const test = { r: { loss: 1 - gain, mse: 1 - gain }, b: { loss: 0.3, auc: 0.8 + gain / 2 } };
      return { model, arm: model, seed, status: "ok", metrics: { validation: test, test }, parameters: { perReplica: 1000 + 10 * k, groups: {} }, gates: [], curves: { steps: [], train: {}, validation: {} } } as unknown as RunRecord;
    }),
  );
}

describe("no label overprints another (drawn in chromium)", { skip: findChromium() ? false : "chromium is not installed (apt-get install -y chromium)" }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: findChromium()!, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body><div id="g"></div></body></html>');
    await page.addScriptTag({ path: plotlyJsPath() });
  });
  after(async () => browser?.close());

  test("the check sees two annotations drawn on top of each other", async () => {
    const planted: Figure = {
      data: [{ type: "scatter", x: [0, 1], y: [0, 1] }],
      layout: { width: 400, height: 300, annotations: [{ text: "paper 0.8729 ↓", x: 0.5, y: 0.5, showarrow: false }, { text: "paper 0.8683 ↓", x: 0.52, y: 0.5, showarrow: false }] },
    };
    assert.deepEqual(await overlappingLabels(page, planted), ['"paper 0.8729 ↓" × "paper 0.8683 ↓"']);
  });

  test("seesaw bubble plot (PLE Fig. 3) with eleven nearby bubbles", async () => {
    const fig = studies.seesaw.bubbleFigure(studies.seesaw.analyseSeesaw(seesawRuns(), "census"), SEEDS.length);
    assert.equal(fig.data.length, 10);
    assert.deepEqual(await overlappingLabels(page, fig), []);
  });

  test("census validation-auc of census-adatt alone (five panels, the narrowest)", async () => {
    const fig = c.validationAucFigure({ adatt: censusRuns().adatt });
    assert.deepEqual(await overlappingLabels(page, fig), []);
  });

  const figures = (): [string, Figure][] => Object.entries(c.censusFigures(censusRuns()));
  for (const name of ["adatt-table5-auc", "mmoe-tables-auc", "ple-table5-auc", "one-hot-shift", "validation-auc"]) {
    test(`census ${name}`, async () => {
      const fig = Object.fromEntries(figures())[name];
      assert.deepEqual(await overlappingLabels(page, fig), []);
      // plotly drops category labels that would collide: every model row must keep its label
      const rows = fig.data.find((t) => t.orientation === "h")?.y as string[] | undefined;
      if (rows) {
        const drawn = new Set((await drawnTexts(page, fig)).map((b) => b.text));
        assert.deepEqual(rows.filter((r) => !drawn.has(r)), [], "every row label is drawn");
      }
    });
  }
});
