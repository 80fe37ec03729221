/**
 * Loaded into every tslab kernel we start (`node --require <this> tslab kernel …`, see
 * registerKernel) to make its shutdown quiet and prompt.
 *
 * tslab closes its sockets on shutdown_request but keeps sending on them: process.stdout/stderr.write
 * still point at the closed iopub socket, its heartbeat loop answers a ping that arrived just before
 * the close, and a request in flight replies. Each throws zeromq's "Socket is closed" (EBADF); the
 * wasm backend's unhandledRejection handler rethrows it, which surfaced as a crash trace in
 * `npm run notebooks` after a successful run. And a kernel holding a figure browser or worker
 * threads stayed alive until Jupyter's SIGTERM, seconds later. So, once tslab has closed: writes
 * are dropped (no front end can receive them), a "Socket is closed" error ends the process
 * quietly with 0 (before any handler that would rethrow it), and the process exits shortly anyway;
 * playwright's exit hook closes the figure browser.
 */
type Closable = { prototype: { close: (...args: unknown[]) => unknown } };

const EXIT_AFTER_CLOSE_MS = 200;

const isClosedSocketError = (e: unknown) => (e as { code?: unknown } | null)?.code === "EBADF" && /Socket is closed/.test(String((e as Error).message));

function onClosedSocketError(e: unknown): void {
  if (isClosedSocketError(e)) process.exit(0);
}

function patch(): void {
  let server: { ZmqServer?: Closable };
  try {
    server = require(require.resolve("tslab/dist/jupyter.js")) as { ZmqServer?: Closable };
  } catch {
    return; // not the tslab we know: run it unchanged
  }
  const proto = server.ZmqServer?.prototype;
  if (!proto || typeof proto.close !== "function") return;
  const close = proto.close;
  proto.close = function (this: unknown, ...args: unknown[]) {
    const drop = (() => true) as typeof process.stdout.write;
    process.stdout.write = drop;
    process.stderr.write = drop;
    process.prependListener("uncaughtException", onClosedSocketError);
    process.prependListener("unhandledRejection", onClosedSocketError);
    try {
      return close.apply(this, args);
    } finally {
      setTimeout(() => process.exit(0), EXIT_AFTER_CLOSE_MS);
    }
  };
}

patch();
