export * from "./figure";
export * from "./html";
export * from "./render";
export * from "./save";
export * from "./palette";
export * from "./intervals";
export * from "./grid";
