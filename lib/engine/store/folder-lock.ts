/**
 * One writer per results folder. `run.lock` names its owner (pid, host, the process's start time,
 * the command); a second process on the folder is refused with that name, a lock left by a process
 * that no longer runs (kill -9, power loss) is taken over with a message. The lock is created
 * complete in one step (a hard link of a finished file), so nobody ever reads half a lock.
 * Creating it is also the check that the folder is writable, done before anything is trained.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { errnoText, fileInTheWay, UserError } from "../../errors";
import { writeFully } from "../../project";

export const LOCK_FILE = "run.lock";

export interface LockOwner {
  pid: number;
  host: string;
  /** Start time of the process (Linux /proc/<pid>/stat, clock ticks since boot): tells a reused pid apart. */
  processStart: string | null;
  startedAt: string;
  command: string;
  /** Random: lets the owner recognise its own lock. */
  token: string;
}

/** The folder is in use by another process (or its lock cannot be judged). */
export class FolderLockedError extends UserError {}

/** The results folder cannot be created or written. */
export class ResultsFolderError extends UserError {}

function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null; // field 22; fields 1-2 end at ")"
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null; // no such process, or no /proc (not Linux)
    throw e;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}

function readOwner(file: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined; // released meanwhile
    throw e;
  }
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === "string" && typeof o.token === "string" ? o : null;
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}

const describeOwner = (o: LockOwner) => `process ${o.pid} on ${o.host} (started ${o.startedAt}: ${o.command})`;

/** Why `owner`'s lock no longer holds, or null while its process may still run. */
function staleReason(owner: LockOwner): string | null {
  if (owner.host !== os.hostname()) return null; // another machine's process cannot be checked from here
  if (!isRunning(owner.pid)) return `${describeOwner(owner)} is no longer running`;
  const start = processStart(owner.pid);
  if (owner.processStart && start && start !== owner.processStart) return `${describeOwner(owner)} has ended (its pid now belongs to another process)`;
  return null;
}

/** Locks still held by this process, released when it exits (also by process.exit on SIGINT). */
const held = new Set<FolderLock>();
process.on("exit", () => {
  for (const lock of held) lock.release();
});

function folderError(dir: string, e: unknown): ResultsFolderError {
  const file = fileInTheWay(dir);
  const code = (e as NodeJS.ErrnoException).code;
  const readOnly = code === "EROFS" ? "it is on a read-only file system" : code === "EACCES" || code === "EPERM" ? "it is read-only for this user" : null;
  const what = file ? `${file} is a file, not a folder` : readOnly ? `${readOnly} (${errnoText(e)})` : errnoText(e);
  return new ResultsFolderError(`cannot use ${dir} as a results folder: ${what}. Nothing was trained. Choose a writable folder with --out DIR.`);
}

export class FolderLock {
  private constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {}

  /**
   * Creates `dir` if needed and locks it for this process. `note` hears about a stale lock taken
   * over. Throws FolderLockedError while another process holds it, ResultsFolderError when the
   * folder cannot be created or written.
   */
  static acquire(dir: string, note: (message: string) => void = () => {}): FolderLock {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw folderError(dir, e);
    }
    const file = path.join(dir, LOCK_FILE);
    const owner: LockOwner = {
      pid: process.pid,
      host: os.hostname(),
      processStart: processStart(process.pid),
      startedAt: new Date().toISOString(),
      command: [path.basename(process.argv[1] ?? "node"), ...process.argv.slice(2)].join(" "),
      token: Math.random().toString(36).slice(2) + Date.now().toString(36),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createLockFile(file, owner, dir)) {
        const lock = new FolderLock(file, owner);
        held.add(lock);
        return lock;
      }
      const other = readOwner(file);
      if (other === undefined) continue; // released between our attempt and the read
      if (other === null) {
        note(`${file} is unreadable (not written by this program, or damaged); taking it over`);
      } else {
        const stale = staleReason(other);
        if (!stale) {
          const where = other.host === os.hostname() ? "" : ` (another machine: if that process is gone, delete ${file})`;
          throw new FolderLockedError(
            `${dir} is in use by ${describeOwner(other)}${where}. Two runs writing one results folder would train every run twice. ` +
              `Wait for it to finish, or write elsewhere with --out DIR.`,
          );
        }
        note(`taking over the lock of ${dir}: ${stale}`);
      }
      fs.rmSync(file, { force: true });
    }
    throw new FolderLockedError(`could not lock ${dir}: other processes keep taking ${file}; try again`);
  }

  /** Throws unless the lock file still names this process (another one took it over meanwhile). */
  assertHeld(): void {
    const now = readOwner(this.file);
    if (now?.token === this.owner.token) return;
    throw new FolderLockedError(
      `lost the lock of ${path.dirname(this.file)}${now ? ` to ${describeOwner(now)}` : " (its lock file was removed)"}; this process stops without writing more`,
    );
  }

  release(): void {
    held.delete(this);
    if (readOwner(this.file)?.token === this.owner.token) fs.rmSync(this.file, { force: true });
  }
}

/** Creates `file` with `owner` in it, complete, unless it exists (false). */
function createLockFile(file: string, owner: LockOwner, dir: string): boolean {
  const tmp = `${file}.${process.pid}-${owner.token}`;
  try {
    const fd = fs.openSync(tmp, "w");
    try {
      writeFully(fd, Buffer.from(JSON.stringify(owner, null, 2) + "\n"));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(tmp, file);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw e;
      // a file system without hard links: exclusive create, then the content
      const fd2 = fs.openSync(file, "wx");
      try {
        writeFully(fd2, fs.readFileSync(tmp));
      } finally {
        fs.closeSync(fd2);
      }
      return true;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw folderError(dir, e);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
