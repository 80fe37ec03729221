// Public surface of lib/engine (owned by the engine work).
export {};
