import assert from "node:assert/strict";
import test from "node:test";
import { OPENBLAS, configLabel, fastest, referenceBlas, referenceConfigs, referenceEnv, shareReplicas } from "mtl-lab/dist/bench/reference-configs";
import { productFlopsPerStep, WORKLOADS } from "mtl-lab/dist/bench/workloads";

test("the PyTorch configurations: every allocator whose library exists, with the BLAS core variables as given and unset", () => {
  const env = { OPENBLAS_CORETYPE: "Haswell", OPENBLAS_L2_SIZE: "512", PATH: "/usr/bin" };
  const all = referenceConfigs(env, () => true);
  assert.deepEqual(all.map(configLabel), [
    "glibc, BLAS env as given", "glibc, BLAS core auto",
    "jemalloc, BLAS env as given", "jemalloc, BLAS core auto",
    "tcmalloc, BLAS env as given", "tcmalloc, BLAS core auto",
  ]);
  assert.deepEqual(referenceConfigs({ PATH: "/usr/bin" }, () => false).map(configLabel), ["glibc, BLAS env as given"], "nothing to unset, no allocator library: one configuration");
  const unset = referenceEnv(all[3], 1, { ...env, LD_PRELOAD: "/x.so" }, () => false);
  assert.equal(unset.OPENBLAS_CORETYPE, undefined);
  assert.equal(unset.OPENBLAS_L2_SIZE, undefined);
  assert.equal(unset.LD_PRELOAD, "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2:/x.so");
  assert.equal(unset.OPENBLAS_NUM_THREADS, "1");
  const given = referenceEnv(all[0], 2, env, () => false);
  assert.equal(given.OPENBLAS_CORETYPE, "Haswell");
  assert.equal(given.LD_PRELOAD, undefined);
  assert.equal(given.OMP_NUM_THREADS, "2");
  assert.equal(given.LD_LIBRARY_PATH, undefined);
});

test("the reference loads OpenBLAS whatever the system's libblas.so.3 is, and says which BLAS it ran on", () => {
  const withOpenBlas = referenceEnv(referenceConfigs({}, () => false)[0], 1, { LD_LIBRARY_PATH: "/opt/lib" }, (f) => f === OPENBLAS.file);
  assert.equal(withOpenBlas.LD_LIBRARY_PATH, `${OPENBLAS.dir}:/opt/lib`);
  assert.equal(referenceBlas((f) => f === OPENBLAS.file), "OpenBLAS (libopenblas0-pthread)");
  assert.match(referenceBlas(() => false, () => "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"), /^the reference BLAS \(\/usr\/lib\/x86_64-linux-gnu\/blas\/libblas.so.3\), unoptimized/);
  assert.equal(referenceBlas(() => false, () => "/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"), "the system's /usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3");
  assert.equal(referenceBlas(() => false, () => { throw new Error("ENOENT"); }), "no libblas.so.3 found");
});

test("the fastest cell wins; replicas are shared as evenly as the workers allow", () => {
  assert.deepEqual(fastest([{ msPerStep: 3, id: "a" }, { msPerStep: 1, id: "b" }, { msPerStep: 2, id: "c" }]), { msPerStep: 1, id: "b" });
  assert.equal(fastest([]), undefined);
  assert.deepEqual(shareReplicas(8, 2), [4, 4]);
  assert.deepEqual(shareReplicas(5, 2), [3, 2]);
  assert.deepEqual(shareReplicas(1, 2), [1]);
});

test("product FLOPs per step: census Shared-Bottom R = 8 with 7 numeric inputs is 377 MFLOP (forward 15,328 multiply-adds per row)", () => {
  assert.equal(WORKLOADS["census-sb"].productMacsPerRow(7), 7 * 128 + 128 * 64 + 3 * (64 * 32 + 32));
  assert.equal(productFlopsPerStep(WORKLOADS["census-sb"], 7, 8), 6 * 15_328 * 512 * 8);
  assert.equal(WORKLOADS["synthetic-mmoe"].productMacsPerRow(100), 100 * 144 + 256 + 272);
});
