export * from "./capacity-errors";
export * from "./progress";
export * from "./terraform";
export * from "./status-store";
export * from "./launcher";
