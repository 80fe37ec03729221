export * from "./display";
export * from "./jupyter";
export * from "./markdown";
export * from "./server";
