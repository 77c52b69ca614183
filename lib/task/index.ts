export * from "./duration";
export * from "./run-script";
export * from "./gpu-task";
export * from "./secrets";
export * from "./recovery";
export * from "./checkpoint-script";
export * from "./preemption-script";
export * from "./restart-cost";
