/**
 * Builds `mock-ipc.ts` (with the fake portal it imports) into one classic script, so a browser
 * test can install it with `page.addInitScript` before the app loads.
 */
import { defineConfig } from "vite";
import { MOCK_DIR, UI_DIR } from "./paths.ts";

export default defineConfig({
  root: UI_DIR,
  logLevel: "warn",
  build: {
    outDir: MOCK_DIR,
    emptyOutDir: true,
    target: "es2022",
    minify: false,
    lib: {
      entry: `${UI_DIR}/tests/browser/mock-ipc.ts`,
      formats: ["iife"],
      name: "PortalMock",
      fileName: () => "mock-ipc.js",
    },
  },
});
