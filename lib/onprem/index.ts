export * from "./slurm";
export * from "./economics";
export * from "./pool-props";
export * from "./pool-record";
export * from "./gpu-pool";
