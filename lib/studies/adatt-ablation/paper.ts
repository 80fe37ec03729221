/**
 * AdaTT's own ablation and fusion-level evidence as printed (Li et al., KDD 2023, §4.4–4.6,
 * Tables 6–8; transcribed in SPEC §3.5). Read by the AdaTT ablation study (notebook 05).
 */
// ---------------------------------------------------------------------------------------------
// AdaTT ablation and fusion levels (SPEC §3.5; relative changes in %, negative = better for NE/MSE)

/**
 * AdaTT §4.4–4.6, Tables 6–8, as transcribed in SPEC §3.5 (four tasks; the first value is
 * MSE, the others NE). The table numbers follow SPEC's order (ablation, experts per task,
 * fusion levels).
 */
export const ADATT_ABLATION = {
  /** Removing NativeExpertLF: relative loss change per task (every task got worse). */
  withoutNativeExpertLf: { source: "AdaTT Table 6 (§4.4–4.6)", metrics: ["MSE", "NE", "NE", "NE"], relativeChangePct: [0.158, 0.107, 0.107, 0.222] },
  /** Experts per task 1..4: studied in Table 7; SPEC gives no values to compare against. */
  expertsPerTask: { source: "AdaTT Table 7 (§4.4–4.6)", experts: [1, 2, 3, 4] },
  /** Fusion levels 3..5 against 2 levels: relative NE change per task, in %. */
  fusionLevels: {
    source: "AdaTT Table 8 (§4.4–4.6)",
    expertUnits: { 2: [256, 128], 3: [512, 256, 128], 4: [1024, 512, 256, 128], 5: [2048, 1024, 512, 256, 128] },
    relativeChangePctVsTwoLevels: {
      3: [-0.225, -0.242, -0.284, -0.409],
      4: [-0.503, -0.448, -0.522, -0.619],
      5: [-0.664, -0.587, -0.655, -0.766],
    },
  },
} as const;
