/**
 * The Domains screen's benchmark (`npm run bench:domains`): Chromium against the built UI with
 * 100,000 mocked domains. Apart from the browser tests (`*.browser.ts`), so `npm run
 * test:browser` never runs it; it prints figures and fails only when the page breaks.
 */
import { defineConfig } from "vitest/config";
import { UI_DIR } from "./paths.ts";

export default defineConfig({
  root: UI_DIR,
  test: {
    include: ["tests/browser/**/*.bench-run.ts"],
    environment: "node",
    globalSetup: ["tests/browser/bench-setup.ts"],
    fileParallelism: false,
    testTimeout: 170_000,
    hookTimeout: 60_000,
  },
});
