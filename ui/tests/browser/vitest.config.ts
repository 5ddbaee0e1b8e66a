/**
 * The browser tests: playwright-core drives Debian's Chromium against the built UI (served by
 * `server.ts`), with Rust replaced by the fake portal (`mock-ipc.ts`). One file at a time: each
 * starts its own browser, and the machine has two cores.
 */
import { defineConfig } from "vitest/config";
import { UI_DIR } from "./paths.ts";

export default defineConfig({
  root: UI_DIR,
  test: {
    include: ["tests/browser/**/*.browser.ts"],
    environment: "node",
    globalSetup: ["tests/browser/server.ts"],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
