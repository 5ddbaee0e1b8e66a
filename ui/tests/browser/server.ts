/**
 * Vitest global setup of the browser tests: serves the built UI with `vite preview` on a free
 * loopback port, hands its address to the tests (`inject("baseUrl")`), and stops it afterwards,
 * whether the tests passed or not (also when the run is interrupted).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { TestProject } from "vitest/node";
import { MOCK_FILE, SCREENSHOT_DIR, UI_DIR } from "./paths";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`vite preview exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`vite preview did not answer at ${url} within 30 s:\n${output()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export default async function setup(project: TestProject) {
  for (const [file, how] of [
    [`${UI_DIR}/dist/index.html`, "npm run build"],
    [MOCK_FILE, "npm run build:browser-mock"],
  ]) {
    if (!existsSync(file!)) throw new Error(`${file} is missing: run ${how} first`);
  }

  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  const port = await freePort();
  // Started by its script path (not npx), so that killing this pid really stops the server.
  const child = spawn(
    process.execPath,
    [
      "node_modules/vite/bin/vite.js",
      "preview",
      "--config",
      "tests/browser/vite.preview.config.ts",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--strictPort",
    ],
    { cwd: UI_DIR, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const baseUrl = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilServing(baseUrl, child, () => output);
  } catch (error) {
    await stop(child);
    throw error;
  }
  project.provide("baseUrl", baseUrl);

  return async () => {
    process.off("exit", killOnExit);
    await stop(child);
  };
}
