export * from "./types";
export * from "./planner";
