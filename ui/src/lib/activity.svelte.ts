/**
 * The Activity screen's state: the server's audit events and this computer's action log for one
 * key or all, in plain words, newest first, with the keys' labels to name them.
 *
 * Built with the {@link Api} it talks through (tests pass a fake). The words for each event live
 * here too ({@link describeItem}), so the screen only lays them out.
 */
import { ApiError } from "./api";
import type { ActivityItem, Api, Environment, KeyId } from "./api";

/** How many items one read asks for. */
export const ACTIVITY_LIMIT = 200;

/** Where an item comes from: the server's audit log or this computer's action log. */
export type ActivitySource = "server" | "local";

/** One line of the Activity screen, ready to show. */
export type ActivityRow = {
  /** Unique within one read (the server's event id, or the entry's place in the list). */
  id: string;
  at: string;
  /** What happened, in plain words: "Key created", "Verified: accepted in 18 ms". */
  what: string;
  keyId: KeyId | null;
  source: ActivitySource;
  requestId: string | null;
  /** Whether the event is bad news (revoked, leaked, refused), for a warning colour. */
  alarm: boolean;
};

/** A key's name as the screen shows it. */
export type KeyName = { label: string; environment: Environment };

/** Audit event types of the partner API, as a sentence each. */
const SERVER_WORDS: Record<string, string> = {
  "api_key.created": "Key created",
  "api_key.rotated": "Key rotated",
  "api_key.revoked": "Key revoked",
  "api_key.expired": "Key expired",
  "session.created": "Admin signed in",
  "session.failed": "Sign-in failed",
};

/** Local actions, as a sentence each (the entry's note is added where it says more). */
const LOCAL_WORDS: Record<string, string> = {
  created: "Key created",
  added: "Key added to this computer",
  copied: "Secret copied",
  revealed: "Secret shown",
  verified: "Verified",
  rotated: "Key rotated",
  revoked: "Key revoked",
  leaked: "Marked as leaked",
  stored: "Secret saved to the keyring",
  removed_from_keyring: "Secret removed from the keyring",
  signed_in: "Signed in",
  signed_out: "Signed out",
  forwarding_set: "Forwarding set",
};

const ALARMS = new Set(["api_key.revoked", "session.failed", "revoked", "leaked"]);

/** "api_key.something_new" → "Api key something new": readable words for unknown types. */
function humanize(type: string): string {
  const words = type.replace(/[._]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Unknown event";
}

/** "86400 s" → "24 h": durations in a note in the largest whole unit. */
function friendlyDurations(note: string): string {
  return note.replace(/\b(\d+) s\b/g, (whole, digits: string) => {
    const seconds = Number(digits);
    if (seconds >= 86_400 && seconds % 86_400 === 0) return `${seconds / 86_400} d`;
    if (seconds >= 3_600 && seconds % 3_600 === 0) return `${seconds / 3_600} h`;
    if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
    return whole;
  });
}

/** What a local action says, with its note where the note adds to it. */
function localWords(action: string, note: string | null): string {
  const base = LOCAL_WORDS[action] ?? humanize(action);
  const detail = note ? friendlyDurations(note.trim()) : "";
  if (action === "copied") return detail ? `${base} ${detail}` : `${base} from the keyring`;
  if (action === "verified" && detail.startsWith("refused")) {
    const code = detail.replace(/^refused:?\s*/, "");
    return code ? `Verification refused (${code.replace(/_/g, " ")})` : "Verification refused";
  }
  return detail ? `${base}: ${detail}` : base;
}

/** An activity item as one line of the screen. `index` keeps ids unique within a read. */
export function describeItem(item: ActivityItem, index: number): ActivityRow {
  if (item.source === "server") {
    const event = item.event;
    return {
      id: event.id || `server-${index}`,
      at: event.at,
      what: SERVER_WORDS[event.type] ?? humanize(event.type),
      keyId: event.api_key_id ?? null,
      source: "server",
      requestId: event.request_id ?? null,
      alarm: ALARMS.has(event.type),
    };
  }
  const entry = item.entry;
  const notedRefusal = entry.action === "verified" && (entry.note ?? "").startsWith("refused");
  return {
    id: `local-${index}`,
    at: entry.at,
    what: localWords(entry.action, entry.note),
    keyId: entry.key_id,
    source: "local",
    requestId: entry.request_id,
    alarm: ALARMS.has(entry.action) || notedRefusal,
  };
}

/** Newest first; items at the same instant keep the order the app gave them. */
function newestFirst(a: ActivityRow, b: ActivityRow): number {
  const ta = Date.parse(a.at);
  const tb = Date.parse(b.at);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return 0;
  return tb - ta;
}

export class ActivityStore {
  /** The lines of the latest read, newest first. */
  rows = $state<ActivityRow[]>([]);
  /** Key id → label and environment, from the key list (empty when it could not be read). */
  names = $state<Record<KeyId, KeyName>>({});
  /** Only this key's activity, or everything when `null`. */
  keyId = $state<KeyId | null>(null);
  loading = $state(false);
  /** Whether a read has come back at least once (the empty state waits for it). */
  loaded = $state(false);
  /** Why the activity could not be read; the last lines stay on screen. */
  error = $state<ApiError | null>(null);

  readonly #api: Api;
  /** Only the latest read may write (the filter can change while one is under way). */
  #seq = 0;

  constructor(api: Api, keyId: KeyId | null = null) {
    this.#api = api;
    this.keyId = keyId;
  }

  /** Nothing happened yet (for this key). */
  get empty(): boolean {
    return this.loaded && !this.error && this.rows.length === 0;
  }

  /** The keys to filter by, by label. */
  get keyChoices(): { id: KeyId; label: string; environment: Environment }[] {
    return Object.entries(this.names)
      .map(([id, name]) => ({ id, ...name }))
      .sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  }

  /** A key's label when the key list knows it. */
  nameOf(keyId: KeyId): KeyName | null {
    return this.names[keyId] ?? null;
  }

  /** Reads the activity (and the key names, which only label it: their failure is not shown). */
  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    const names = this.#loadNames();
    try {
      const items = await this.#api.activity(this.keyId, ACTIVITY_LIMIT);
      if (seq !== this.#seq) return;
      this.rows = items.map(describeItem).sort(newestFirst);
      this.error = null;
      this.loaded = true;
    } catch (thrown) {
      if (seq === this.#seq) this.error = ApiError.from(thrown);
    } finally {
      await names;
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Shows one key's activity (or everyone's with `null`) and reads it. */
  async filter(keyId: KeyId | null): Promise<void> {
    this.keyId = keyId;
    await this.load();
  }

  async #loadNames(): Promise<void> {
    try {
      const views = await this.#api.listKeys({});
      const names: Record<KeyId, KeyName> = {};
      for (const { key } of views)
        names[key.id] = { label: key.label, environment: key.environment };
      this.names = names;
    } catch {
      // Ids stand in for labels; the activity itself still shows.
    }
  }
}
