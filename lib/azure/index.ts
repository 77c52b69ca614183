export * from "./network";
export * from "./gpu-cluster";
export * from "./lustre-storage";
export * from "./vpn-gateway";
export * from "./flow-log";
export * from "./provider";
export * from "./private-storage";
