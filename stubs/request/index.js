"use strict";
// danfojs-node requires request at load time but only calls it to download remote files.
module.exports = function request() {
  throw new Error("Remote reads are disabled in mtl-lab: request is replaced by a stub (see package.json overrides). Read local files.");
};
