/** Where the project lives on disk, found from this compiled file (lib/dist/…) upwards. */
import * as fs from "node:fs";
import * as path from "node:path";
import { WriteError } from "./errors";

let cachedRoot: string | undefined;

/** The folder whose package.json declares the `lib` workspace: the repository root. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { workspaces?: string[] };
      if (Array.isArray(pkg.workspaces) && pkg.workspaces.includes("lib")) return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`mtl-lab: no project root (package.json with workspaces ["lib"]) above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Writes a file so that readers see the old content or the new one, never a half-written file:
 * a temporary file beside it, flushed to disk, then renamed over it. `content` may come in
 * several chunks (written in order, without joining them in memory first). Any failure (a full
 * disk, a short write, no permission) removes the temporary file and throws a WriteError naming
 * `file` and the cause; the old content is untouched.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array | readonly Uint8Array[]): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let created = false;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(tmp, "w");
    created = true;
    try {
      const chunks = typeof content === "string" ? [Buffer.from(content, "utf8")] : content instanceof Uint8Array ? [content] : content;
      for (const chunk of chunks) writeFully(fd, chunk);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    if (created) fs.rmSync(tmp, { force: true });
    throw e instanceof WriteError ? e : new WriteError(file, e);
  }
}

/**
 * writeFileAtomic, but only when the file's bytes differ from `content`: a load that derives the
 * same report leaves the file (and its mtime, and git's view of it) untouched. Returns whether it wrote.
 */
export function writeFileIfChanged(file: string, content: string | Uint8Array): boolean {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  try {
    if (Buffer.compare(fs.readFileSync(file), bytes) === 0) return false;
  } catch {
    // absent or unreadable: write it (a write error then names the cause)
  }
  writeFileAtomic(file, bytes);
  return true;
}

/** write(2) until every byte is written: a write may return fewer bytes than asked (full disk, size limit). */
export function writeFully(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) {
    const n = fs.writeSync(fd, bytes, at, bytes.length - at);
    if (n <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    at += n;
  }
}
