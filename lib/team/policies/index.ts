export * from "./types";
export { blocks, block, isTrue, isFalse, nonCompliant, refersTo, resourcesOfType } from "./helpers";
export { GPU_POLICY_RULES, ruleAppliesTo } from "./pack";
export * from "./gpu-policies";
export { synthesizeStackView, type SynthesizedStack } from "./view";
export {
  isUnresolvedValue, cannotVerify, cannotVerifyText, hasDynamicBlock, resolveLiterals, referencedElement, readValue, readList,
  type ReadValue, type Reference,
} from "./values";
