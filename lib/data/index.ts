// Public surface of lib/data: synthetic MMoE/PLE tasks, the seesaw variants, and Census-Income.
export * from "./errors";
export * from "./synthetic";
export * from "./synthetic-group";
export * from "./seesaw";
export * from "./funnel";
export * from "./sessions";
export * from "./audiences";
export {
  CENSUS_FILES, CENSUS_DIR_ENV, UCI_BASE_URL, defaultCensusDir, howToGetCensusFiles, locateCensusFiles,
  readContent, readVerified, readCensusFile, isGzip, storedSha256,
} from "./census-files";
export type { CensusFileRole, LocatedCensusFiles, FileContent } from "./census-files";
export * from "./census-parse";
export * from "./census-prepare";
export * from "./census-split";
export * from "./census-positional";
export * from "./census-cache";
export * from "./census";
export * from "./task-groups";
export * from "./census-checks";
