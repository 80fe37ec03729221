/**
 * Paths as the user typed and reads them. `npm run` starts scripts in the project root, but the
 * user's shell was elsewhere: npm records that folder in INIT_CWD. Options like `--out ../nb` are
 * resolved from it, and printed paths are relative to it (absolute when outside it).
 */
import * as path from "node:path";

/** The folder the user ran the command from. */
export function userCwd(): string {
  return process.env.INIT_CWD ? path.resolve(process.env.INIT_CWD) : process.cwd();
}

/** An absolute path for a path the user typed. */
export function resolveUserPath(p: string): string {
  return path.resolve(userCwd(), p);
}

/** A path to print: relative to the user's folder when inside it, absolute otherwise. */
export function displayPath(p: string): string {
  const abs = path.resolve(p);
  const rel = path.relative(userCwd(), abs);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
}
