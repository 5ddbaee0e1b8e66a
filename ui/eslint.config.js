import js from "@eslint/js";
import ts from "typescript-eslint";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import svelteConfig from "./svelte.config.js";

/**
 * Only `src/lib/api.ts` may talk to Rust: nothing else imports Tauri or the generated bindings.
 * @type {import("eslint").Linter.RulesRecord}
 */
const onlyApiTalksToRust = {
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        {
          group: ["@tauri-apps/*"],
          message: "Only src/lib/api.ts may import @tauri-apps/*; use the injected Api.",
        },
        {
          group: ["**/bindings", "**/bindings.ts", "**/bindings.js", "$lib/bindings"],
          message: "Only src/lib/api.ts may import the generated bindings; use the injected Api.",
        },
      ],
    },
  ],
};

export default ts.config(
  { ignores: ["dist/", "node_modules/", "src/lib/bindings.ts"] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts", "**/*.svelte.js"],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: [".svelte"],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    rules: {
      ...onlyApiTalksToRust,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "svelte/no-at-html-tags": "error",
    },
  },
  {
    // The one door to Rust.
    files: ["src/lib/api.ts"],
    rules: { "no-restricted-imports": "off" },
  },
);
