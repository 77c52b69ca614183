// ESLint for lib/, bin/, test/, scripts/, bench/ and examples/ (run from the repository root by
// `npm run lint`, which `npm test` runs first). typescript-eslint's recommended rules without type
// information (the project compiles with TypeScript 7, which typescript-eslint cannot load; tsc
// --noEmit does the type checking), and a line-length limit.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "dist/**", "dist-cdktn/**", "cdktf.out/**", "docs/**", "coverage/**", ".scratch/**", "tools/**", "**/*.d.ts", "**/.gen/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", __dirname: "readonly", require: "readonly", module: "writable", Buffer: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", structuredClone: "readonly", fetch: "readonly", AbortController: "readonly", TextDecoder: "readonly", TextEncoder: "readonly", queueMicrotask: "readonly", setImmediate: "readonly" } },
    rules: {
      "max-len": ["error", { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // CommonJS files (fixtures that stand for a user's app, the engine preload) load with require.
  { files: ["**/*.cjs", "bench/floor-child.ts"], rules: { "@typescript-eslint/no-require-imports": "off" } },
);
