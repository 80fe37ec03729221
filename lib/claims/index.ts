/** Claims: a paper's sentence, the evidence from our runs, and a three-way verdict, registered before the runs. */
export * from "./evidence";
export * from "./claim";
export * from "./render";
export * from "./power";
export * from "./registration";
