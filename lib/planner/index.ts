export * from "./types";
export * from "./planner";
export * from "./ranking";
export * from "./energy";
export { poolKey, poolProblem } from "./pools";
