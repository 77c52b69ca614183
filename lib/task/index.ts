export * from "./duration";
export * from "./run-script";
export * from "./gpu-task";
export * from "./secrets";
