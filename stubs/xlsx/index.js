"use strict";
// danfojs-node requires xlsx at load time but only calls it from readExcel/toExcel.
function unsupported() {
  throw new Error("Excel I/O is disabled in mtl-lab: xlsx is replaced by a stub (see package.json overrides). Use CSV.");
}
module.exports = { readFile: unsupported, read: unsupported, writeFile: unsupported, write: unsupported, utils: new Proxy({}, { get: () => unsupported }) };
