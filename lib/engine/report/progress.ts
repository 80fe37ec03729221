/**
 * Progress of a study. On a terminal: one line redrawn in place with runs done / total, the
 * current model, its step and an ETA. Not on a terminal (CI, logs): one line per finished group.
 */
import type { TrainingProgress } from "../train/trainer";

export interface ProgressSink {
  /** A study starts: `done` runs were already on disk out of `total`. */
  start(label: string, total: number, done: number): void;
  group(arm: string, seeds: readonly number[]): void;
  step(p: TrainingProgress): void;
  groupDone(arm: string, seeds: readonly number[], wallTimeMs: number): void;
  finish(message: string): void;
  /** Something the user should know that is not progress (a stale lock taken over, a record set aside). */
  note?(message: string): void;
}

export const silentProgress: ProgressSink = { start() {}, group() {}, step() {}, groupDone() {}, finish() {} };

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

const seedRange = (seeds: readonly number[]) => (seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds[0]}–${seeds[seeds.length - 1]}`);

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = Boolean(stream.isTTY);
  let label = "";
  let total = 0;
  let done = 0;
  let doneHere = 0; // runs finished by this process (the ETA's rate)
  let started = 0;
  let arm = "";
  let seeds: readonly number[] = [];
  const draw = (stepText: string, fraction: number) => {
    if (!tty) return;
    const elapsed = Date.now() - started;
    const progressed = doneHere + fraction * seeds.length;
    const eta = progressed > 0 ? (elapsed / progressed) * (total - done - fraction * seeds.length) : NaN;
    const line = `${label}  ${done}/${total} runs  ${arm} (${seedRange(seeds)})  ${stepText}  ETA ${formatDuration(eta)}`;
    stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 120) - 1)}`);
  };
  return {
    start(l, t, d) {
      [label, total, done, doneHere, started] = [l, t, d, 0, Date.now()];
      // everything stored: the finish line says so, once
      if (d > 0 && d < t) stream.write(`${label}: ${d}/${t} runs already in results, resuming\n`);
    },
    group(a, s) {
      [arm, seeds] = [a, s];
      draw("starting", 0);
    },
    step(p) {
      draw(`step ${p.step}/${p.steps}`, p.step / p.steps);
    },
    groupDone(a, s, ms) {
      done += s.length;
      doneHere += s.length;
      // logs (CI, nohup) get the ETA too: the rate of the runs this process finished
      const left = total - done;
      const eta = left > 0 ? `, ETA ${formatDuration(((Date.now() - started) / doneHere) * left)}` : "";
      const line = `${label}: ${a} ${seedRange(s)} done in ${formatDuration(ms)} (${done}/${total} runs${eta})`;
      stream.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
    finish(message) {
      stream.write(tty ? `\r\x1b[K${message}\n` : `${message}\n`);
    },
    note(message) {
      stream.write(tty ? `\r\x1b[K${message}\n` : `${message}\n`);
    },
  };
}
