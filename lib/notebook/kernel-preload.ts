/**
 * Loaded into every tslab kernel we start (`node --require <this> tslab kernel …`, see
 * registerKernel) to make its shutdown quiet and prompt.
 *
 * tslab closes its sockets on shutdown_request but leaves process.stdout/stderr.write pointing at
 * the closed iopub socket. Anything written afterwards (a worker thread's last line, a timer, its
 * own uncaughtException handler) throws zeromq's "Socket is closed" (EBADF), which surfaced as a
 * crash trace in `npm run notebooks` after a successful run. And a kernel holding a figure browser
 * or worker threads stayed alive until Jupyter's SIGTERM, seconds later. So: after tslab's close,
 * writes are dropped (no cell can receive them any more) and the process exits; playwright's exit
 * hook closes the figure browser.
 */
type Closable = { prototype: { close: (...args: unknown[]) => unknown } };

const EXIT_AFTER_CLOSE_MS = 200;

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
    try {
      return close.apply(this, args);
    } finally {
      setTimeout(() => process.exit(0), EXIT_AFTER_CLOSE_MS);
    }
  };
}

patch();
