/**
 * What every browser test uses: Debian's Chromium through playwright-core, the built UI with
 * the fake portal as its Rust side, a fixed clock, screenshots, and an axe-core check of each
 * screen that fails on `serious` or `critical` violations and prints every violation it finds.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { NOW } from "../../src/testing/fake-portal";
import { MOCK_FILE, SCREENSHOT_DIR } from "./paths";
import type { PortalWindow, Scenario } from "./scenario";

export type { PortalWindow } from "./scenario";

/** Debian's Chromium (apt package `chromium`); `CHROMIUM` overrides it. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** "Now" in the page: ten minutes after the fake portal's fixed now, so times read "… ago". */
export const PAGE_NOW = NOW + 10 * 60_000;

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const MOCK_SOURCE = readFileSync(MOCK_FILE, "utf8");

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu"],
  });
}

export type AppOptions = {
  colorScheme?: "light" | "dark";
  /**
   * `fixed` (default): Date is frozen at {@link PAGE_NOW}, timers run. `manual`: a fake clock
   * the test moves with `page.clock` (for the idle lock).
   */
  clock?: "fixed" | "manual";
  viewport?: { width: number; height: number };
};

export type App = {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and Content-Security-Policy refusals seen so far. */
  problems: string[];
  close(): Promise<void>;
};

/** Opens the app with the Rust side faked as `scenario` says, and waits for its first screen. */
export async function openApp(
  browser: Browser,
  scenario: Scenario = {},
  options: AppOptions = {},
): Promise<App> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: "en-GB",
    timezoneId: "UTC",
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: "reduce",
  });
  // Well under the test timeout, so a missing element fails with its own message.
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (message.location().url.endsWith("/favicon.ico")) return;
    problems.push(`console error: ${message.text()}`);
  });
  await page.addInitScript({
    content: `window.__PORTAL_SCENARIO__ = ${JSON.stringify(scenario)};`,
  });
  await page.addInitScript({ content: MOCK_SOURCE });
  if (options.clock === "manual") await page.clock.install({ time: PAGE_NOW });
  else await page.clock.setFixedTime(PAGE_NOW);

  await page.goto(inject("baseUrl"));
  const first = scenario.signedIn === false ? "connect-screen" : "home-screen";
  await page.getByTestId(first).waitFor();
  return { page, context, problems, close: () => context.close() };
}

/** Fails when the page logged an error or refused something under the CSP. */
export function noProblems(app: App) {
  if (app.problems.length > 0) {
    throw new Error(`The page reported problems:\n  ${app.problems.join("\n  ")}`);
  }
}

type AxeNode = { target: unknown[]; failureSummary?: string; html: string };
type AxeViolation = {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
};

/**
 * Every violation of every capture of this run, by screenshot name, written to
 * `axe-report.json`; each test file adds to what the files before it wrote (the global setup
 * empties the folder when the run starts).
 */
const report: Record<string, { id: string; impact: string | null; nodes: number }[]> = {};
try {
  const path = resolve(SCREENSHOT_DIR, "axe-report.json");
  Object.assign(report, JSON.parse(readFileSync(path, "utf8")) as object);
} catch {
  // The run's first file.
}

function formatViolation(v: AxeViolation): string {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `      at ${JSON.stringify(n.target)}\n        ${n.failureSummary ?? ""}`.trimEnd())
    .join("\n");
  const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : "";
  return `  [${v.impact ?? "?"}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
}

/**
 * Runs axe-core on the page as it is. Prints every violation; throws when one is `serious` or
 * `critical`.
 */
export async function checkA11y(page: Page, name: string): Promise<void> {
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document, o: object): Promise<unknown> } })
      .axe;
    const result = (await axe.run(document, { resultTypes: ["violations"] })) as {
      violations: unknown[];
    };
    return result.violations;
  })) as AxeViolation[];

  report[name] = violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(resolve(SCREENSHOT_DIR, "axe-report.json"), JSON.stringify(report, null, 2));

  if (violations.length === 0) {
    console.log(`axe ${name}: no violations`);
    return;
  }
  const text = violations.map(formatViolation).join("\n");
  console.log(`axe ${name}: ${violations.length} violation(s)\n${text}`);
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (blocking.length > 0) {
    throw new Error(
      `axe found ${blocking.length} serious or critical violation(s) on ${name}:\n` +
        blocking.map(formatViolation).join("\n"),
    );
  }
}

/** Saves `target/browser-screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = resolve(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  return path;
}

/** A screenshot and an accessibility check of the screen as it is. */
export async function capture(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await checkA11y(page, name);
}

/**
 * The browser lifecycle of one test file: one Chromium for the file, one page per test (opened
 * with {@link BrowserSession.open}), checked for console errors and CSP refusals and closed
 * after each test. Registers its own vitest hooks.
 */
export function browserSession() {
  let browser: Browser | undefined;
  let current: App | undefined;

  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    if (!current) return;
    const app = current;
    current = undefined;
    try {
      noProblems(app);
    } finally {
      await app.close();
    }
  });

  return {
    /** Opens the app in a new page; see {@link openApp}. */
    async open(...options: OpenOptions): Promise<App> {
      if (!browser) throw new Error("the browser is not launched yet");
      current = await openApp(browser, ...options);
      return current;
    },

    /**
     * Runs `run` in the current page, given its window (with the fake portal) and `arg`. The
     * function is sent as source text, so it may use nothing from the test file.
     */
    inPage<T, A = undefined>(run: (w: PortalWindow, arg: A) => T | Promise<T>, arg?: A) {
      if (!current) throw new Error("no page is open");
      return current.page.evaluate(
        `(${run.toString()})(window, ${JSON.stringify(arg ?? null)})`,
      ) as Promise<Awaited<T>>;
    },
  };
}

/** What {@link openApp} takes after the browser. */
type OpenOptions = Parameters<typeof openApp> extends [Browser, ...infer Rest] ? Rest : never;

/** See {@link browserSession}. */
export type BrowserSession = ReturnType<typeof browserSession>;
