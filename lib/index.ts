/**
 * cdktf-hybrid-gpu: the one public entry point. Everything a user needs is exported here.
 */
export * from "./core";
export * from "./catalog";
export * from "./planner";
export * from "./onprem";
export * from "./aws";
export * from "./azure";
export * from "./hybrid";
export * from "./task";
export * from "./team";
export * from "./report";
export * from "./launch";
export { tokenCreationStacks } from "./engine/core";
export { TerraformData, type TerraformDataConfig } from "./engine/terraform-data";
