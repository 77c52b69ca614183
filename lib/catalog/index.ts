export * from "./types";
export * from "./accelerators";
export * from "./catalog";
export * from "./azure-limits";
