/** Where the browser tests read and write, as absolute paths (the tests run from `ui/`). */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));

/** `ui/`. */
export const UI_DIR = resolve(here, "../..");
/** The repository's root. */
export const ROOT_DIR = resolve(UI_DIR, "..");
/** The built mock (`mock-ipc.js`), next to the other build output of the tests. */
export const MOCK_DIR = resolve(ROOT_DIR, "target/browser-tests");
export const MOCK_FILE = resolve(MOCK_DIR, "mock-ipc.js");
/** Screenshots, one PNG per screen and state, plus the accessibility report. */
export const SCREENSHOT_DIR = resolve(ROOT_DIR, "target/browser-screenshots");
