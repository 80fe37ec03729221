/**
 * worker_threads entry for the "workers" lever: runs one benchmark cell on its own backend
 * instance. wasm is single-threaded in Node, so W workers with R/W replicas each use W cores for
 * independent replica groups (replicas share no weights, so splitting them changes nothing).
 */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend, type BackendName } from "../backend";
import { measureCellChecked, type CellSpec } from "./measure";

interface Job {
  backend: BackendName;
  spec: CellSpec;
}

async function main(): Promise<void> {
  const job = workerData as Job;
  await initBackend(job.backend);
  parentPort!.postMessage(await measureCellChecked(job.spec));
}

main().catch((e: unknown) => {
  parentPort!.postMessage({ error: String((e as Error).stack ?? e) });
});
