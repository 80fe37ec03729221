export * from "./display";
export * from "./jupyter";
