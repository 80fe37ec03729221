export * from "./table";
export * from "./runs-frame";
