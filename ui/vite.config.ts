import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri loads the dev server at a fixed port (`devUrl`) and the built files from `dist`.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  // `fs.allow` lets the dev server serve the product icon from the repository's icons/.
  server: { port: 1420, strictPort: true, fs: { allow: [".", "../icons"] } },
  build: {
    // The Linux webview is WebKitGTK; Safari 16 is the oldest engine we promise to run on.
    target: "safari16",
    outDir: "dist",
    emptyOutDir: true,
  },
});
