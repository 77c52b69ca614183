// The modules `npm run mutation` scores: the files mutated, the module's own tests (the only tests
// run against its mutants: a module's tests must kill its mutants themselves, and a module is
// scored in minutes instead of re-running every synth test that happens to reach it) and the
// target score in percent.
export const MODULES = [
  { name: "lib/core", mutate: ["lib/core/**/*.ts", "!lib/core/index.ts"], tests: ["test/core/**/*.test.ts"], target: 90 },
  { name: "lib/planner", mutate: ["lib/planner/**/*.ts", "!lib/planner/index.ts"], tests: ["test/planner/**/*.test.ts"], target: 90 },
  { name: "lib/hybrid", mutate: ["lib/hybrid/**/*.ts", "!lib/hybrid/index.ts"], tests: ["test/hybrid/**/*.test.ts"], target: 85 },
  { name: "lib/aws/lustre-storage", mutate: ["lib/aws/lustre-storage.ts"], tests: ["test/aws/lustre-storage.test.ts"], target: 85 },
  { name: "lib/azure/lustre-storage", mutate: ["lib/azure/lustre-storage.ts"], tests: ["test/azure/lustre-storage.test.ts"], target: 85 },
  {
    name: "lib/team/policies",
    mutate: ["lib/team/policies/**/*.ts", "!lib/team/policies/index.ts"],
    tests: ["test/team/policies/**/*.test.ts"],
    target: 85,
  },
  { name: "lib/launch/capacity-errors", mutate: ["lib/launch/capacity-errors.ts"], tests: ["test/launch/capacity-errors.test.ts"], target: 85, static: true },
];

/** A module's file-name-safe slug: its report is reports/mutation/<slug>.json. */
export const slug = (m) => m.name.replace(/\//g, "-");
