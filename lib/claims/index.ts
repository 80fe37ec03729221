/** Claims: a paper's statement, the evidence from our runs, and a three-way verdict (SPEC §4). */
export * from "./evidence";
export * from "./claim";
export * from "./render";
