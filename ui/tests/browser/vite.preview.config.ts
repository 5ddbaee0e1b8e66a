/**
 * `vite preview` of the built UI for the browser tests, under the app's own Content Security
 * Policy (read from `tauri.conf.json`): a `style="…"` attribute or an inline script in the UI is
 * refused here just as in the app's window, and the tests fail on the console's report of it.
 */
import { readFileSync } from "node:fs";
import { mergeConfig } from "vite";
import base from "../../vite.config.ts";
import { ROOT_DIR, UI_DIR } from "./paths.ts";

const tauri = JSON.parse(readFileSync(`${ROOT_DIR}/src-tauri/tauri.conf.json`, "utf8")) as {
  app: { security: { csp: string } };
};

export default mergeConfig(base, {
  root: UI_DIR,
  logLevel: "warn",
  preview: { headers: { "Content-Security-Policy": tauri.app.security.csp } },
});
