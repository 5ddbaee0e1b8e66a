/**
 * Vitest global setup of the UI benchmark: serves the built UI with Vite's preview server (the
 * same configuration as the browser tests, CSP included) on a free loopback port, and hands its
 * address to the benchmark (`inject("baseUrl")`). Unlike `server.ts`, it leaves the browser
 * tests' screenshots alone.
 */
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { preview } from "vite";
import type { TestProject } from "vitest/node";
import { MOCK_FILE, UI_DIR } from "./paths";

export default async function setup(project: TestProject) {
  for (const [file, how] of [
    [`${UI_DIR}/dist/index.html`, "npm run build"],
    [MOCK_FILE, "npm run build:browser-mock"],
  ]) {
    if (!existsSync(file!)) throw new Error(`${file} is missing: run ${how} first`);
  }
  const server = await preview({
    configFile: `${UI_DIR}/tests/browser/vite.preview.config.ts`,
    logLevel: "warn",
    preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false },
  });
  const { port } = server.httpServer.address() as AddressInfo;
  project.provide("baseUrl", `http://127.0.0.1:${port}/`);
  return () => server.close();
}
