export * from "./team-stack";
export * from "./azure-default-tags";
export * from "./policies/types";
export * from "./policies/gpu-policies";
export { GPU_POLICY_RULES } from "./policies/pack";
