/**
 * The Settings screen's state: the saved settings, the form's draft of them, and saving.
 *
 * Built with the {@link Api} it talks through (tests pass a fake). Ranges are checked by Rust
 * (the error names the field at fault); here only what cannot be sent at all (a number field
 * left empty) is caught first. The theme is applied to the page with {@link applyTheme}.
 */
import { ApiError } from "./api";
import type { Api, ServerKind, Settings, Theme } from "./api";

/** Allowed ranges, as Rust checks them (shown as the inputs' min and max). */
export const CLIPBOARD_SECONDS = { min: 5, max: 600 } as const;
export const IDLE_MINUTES = { min: 1, max: 240 } as const;

/**
 * Applies a theme to the page at once: `data-theme` on `<html>` forces light or dark; without
 * it (`system`) the OS's preference decides. The shell calls it with the saved theme at start.
 */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === "light" || theme === "dark") root.dataset.theme = theme;
  else delete root.dataset.theme;
}

/** The form's fields; numbers stay numbers, `null` when a number field is empty or not a number. */
export type SettingsDraft = {
  server: ServerKind;
  baseUrl: string;
  clipboardSeconds: number | null;
  idleMinutes: number | null;
  theme: Theme;
};

export function draftOf(settings: Settings): SettingsDraft {
  return {
    server: settings.server.kind,
    baseUrl: settings.server.kind === "remote" ? settings.server.base_url : "",
    clipboardSeconds: settings.clipboard_clear_seconds,
    idleMinutes: settings.idle_lock_minutes,
    theme: settings.theme,
  };
}

export class SettingsStore {
  /** The settings as last read or saved; `null` until loaded. */
  saved = $state<Settings | null>(null);
  /** What the form holds; `null` until loaded. */
  draft = $state<SettingsDraft | null>(null);
  loading = $state(false);
  saving = $state(false);
  /** Why reading or saving failed; its `field` marks the input at fault. */
  error = $state<ApiError | null>(null);
  /** Set when a save went through, until the form changes again. */
  justSaved = $state(false);

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** The wire name of the field an error is about (`clipboard_clear_seconds`, …), if any. */
  get invalidField(): string | null {
    return this.error?.error.field ?? null;
  }

  /** Whether the form differs from what is saved. */
  get dirty(): boolean {
    if (!this.saved || !this.draft) return false;
    const request = this.request();
    return request instanceof ApiError || JSON.stringify(request) !== JSON.stringify(this.saved);
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      const settings = await this.#api.getSettings();
      this.saved = settings;
      this.draft = draftOf(settings);
      this.error = null;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
    } finally {
      this.loading = false;
    }
  }

  /** The form changed: the "Saved" note goes, and an error stays until the next save. */
  edited(): void {
    this.justSaved = false;
  }

  /** The settings the form describes, or an `invalid_request` naming a number field left empty. */
  request(): Settings | ApiError {
    const draft = this.draft;
    if (!draft) return new ApiError({ code: "internal", message: "Settings are not loaded" });
    const missing = (field: string, what: string) =>
      new ApiError({ code: "invalid_request", message: `Enter ${what}.`, field });
    if (draft.clipboardSeconds === null || !Number.isInteger(draft.clipboardSeconds)) {
      return missing("clipboard_clear_seconds", "a whole number of seconds");
    }
    if (draft.idleMinutes === null || !Number.isInteger(draft.idleMinutes)) {
      return missing("idle_lock_minutes", "a whole number of minutes");
    }
    return {
      server:
        draft.server === "remote"
          ? { kind: "remote", base_url: draft.baseUrl.trim() }
          : { kind: "sandbox" },
      clipboard_clear_seconds: draft.clipboardSeconds,
      idle_lock_minutes: draft.idleMinutes,
      theme: draft.theme,
    };
  }

  /** Saves the form. Returns the settings as saved, or `null` (the error is in {@link error}). */
  async save(): Promise<Settings | null> {
    if (this.saving) return null;
    const request = this.request();
    this.justSaved = false;
    if (request instanceof ApiError) {
      this.error = request;
      return null;
    }
    this.saving = true;
    this.error = null;
    try {
      const saved = await this.#api.saveSettings(request);
      this.saved = saved;
      this.draft = draftOf(saved);
      this.justSaved = true;
      return saved;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
      return null;
    } finally {
      this.saving = false;
    }
  }
}
