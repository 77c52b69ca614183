export * from "./types";
export * from "./errors";
export * from "./validate";
export * from "./cidr";
export * from "./naming";
export * from "./tags";
export * from "./contracts";
export * from "./boot-script";
