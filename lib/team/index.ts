export * from "./team-stack";
export * from "./azure-default-tags";
