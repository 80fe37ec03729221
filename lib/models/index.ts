// Public surface of lib/models (owned by the models work).
export {};
export * from "./types";
