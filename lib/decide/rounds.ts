/**
 * rounds.jsonl: the record of a decide run, one line per event, appended and never rewritten.
 * "start" is written before a round trains (which arms get which seeds, and why: the open
 * claims); "look" after it, with every claim's status on the runs stored then. A "start" without
 * its "look" is a round that was interrupted: the next command finishes it first, and charges
 * the time its stored runs took against the budget.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserError } from "../errors";
import type { ClaimStatus } from "./judge";

export const ROUNDS_FILE = "rounds.jsonl";

export interface RoundStart {
  kind: "start";
  round: number;
  startedAt: string;
  /** The claims that were open: the reason the round trains. */
  open: string[];
  /** Arm key → the seeds this round adds. */
  seeds: Record<string, number[]>;
}

export interface RoundLook {
  kind: "look";
  round: number;
  at: string;
  /** Training time this round charged against the budget (ms; 0 for a look at stored runs). */
  ms: number;
  /** Runs this round trained, and runs stored in the folder after it. */
  trained: number;
  storedRuns: number;
  /** Runs copied from the profile's own folder (same configurations and seeds) before the first look. */
  imported?: number;
  runsPerArm: Record<string, number>;
  /** Runs per arm the budget allowed at this look (null: no limit known yet). */
  maxRuns: number | null;
  /** Hash of the claims declaration the claims were judged under. */
  declarationHash: string | null;
  claims: ClaimStatus[];
}

export type RoundEvent = RoundStart | RoundLook;

export class RoundsLog {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, ROUNDS_FILE);
  }

  /** Every event (a trailing partial line, from a write cut off, is ignored); a damaged line stops with its number. */
  read(): RoundEvent[] {
    if (!fs.existsSync(this.file)) return [];
    const text = fs.readFileSync(this.file, "utf8");
    return text
      .slice(0, text.lastIndexOf("\n") + 1)
      .split("\n")
      .flatMap((line, i) => {
        if (line.trim() === "") return [];
        try {
          const e = JSON.parse(line) as RoundEvent;
          if ((e.kind === "start" || e.kind === "look") && Number.isInteger(e.round)) return [e];
        } catch (err) {
          if (!(err instanceof SyntaxError)) throw err;
        }
        throw new UserError(`${this.file} line ${i + 1} is not a round record. The runs are safe in runs.jsonl: move ${ROUNDS_FILE} aside and run the same command again (the rounds restart from the stored runs).`);
      });
  }

  /** Appends one event as a complete line (cutting a partial last line first), synced to disk. */
  append(event: RoundEvent): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    if (fs.existsSync(this.file)) {
      const text = fs.readFileSync(this.file, "utf8");
      const end = text.lastIndexOf("\n") + 1;
      if (end !== Buffer.byteLength(text)) fs.truncateSync(this.file, Buffer.byteLength(text.slice(0, end)));
    }
    const fd = fs.openSync(this.file, "a");
    try {
      fs.writeSync(fd, `${JSON.stringify(event)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** The last look, if any. */
export function lastLook(events: readonly RoundEvent[]): RoundLook | undefined {
  return [...events].reverse().find((e): e is RoundLook => e.kind === "look");
}

/** A round that started and has no look after it (interrupted), if any. */
export function unfinishedStart(events: readonly RoundEvent[]): RoundStart | undefined {
  const last = events[events.length - 1];
  return last?.kind === "start" ? last : undefined;
}
