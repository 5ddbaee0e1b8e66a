import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

// Unit tests run components in jsdom; the `browser` condition makes Svelte 5 resolve its
// client runtime, so `mount` works instead of the server renderer.
export default mergeConfig(
  viteConfig,
  defineConfig({
    resolve: { conditions: ["browser"] },
    test: {
      environment: "jsdom",
      include: ["src/**/*.test.ts"],
      setupFiles: ["./src/test-setup.ts"],
      restoreMocks: true,
    },
  }),
);
