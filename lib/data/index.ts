// Public surface of lib/data (owned by the data work).
export {};
