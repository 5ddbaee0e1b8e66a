/** Display formatting that does not belong to one component. */

/**
 * An ISO-8601 timestamp as local date and time (e.g. "3 Apr 2026, 14:05"). Returns the input
 * unchanged when it is not a valid timestamp, so nothing is hidden from the user.
 */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** An ISO-8601 timestamp as a local date only (e.g. "3 Apr 2026"); unchanged when invalid. */
export function formatDate(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(date);
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Infinity],
];

/**
 * How far a timestamp is from `now`, in words: "just now", "5 minutes ago", "in 3 days".
 * Returns the input unchanged when it is not a valid timestamp.
 */
export function formatRelative(iso: string, now: number = Date.now(), locale?: string): string {
  const time = new Date(iso).getTime();
  if (Number.isNaN(time)) return iso;
  let amount = (time - now) / 1000;
  if (Math.abs(amount) < 45) return "just now";
  const words = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) return words.format(Math.round(amount), unit);
    amount /= size;
  }
  return iso;
}

/** A count with thousands separators. */
export function formatCount(count: number, locale?: string): string {
  return new Intl.NumberFormat(locale).format(count);
}

/** The usage windows the app offers, in the order shown. */
export const USAGE_WINDOWS = ["1h", "24h", "30d"] as const;

/** A usage window as a phrase: "the last hour", "the last 24 hours", "the last 30 days". */
export function windowPhrase(window: string): string {
  if (window === "1h") return "the last hour";
  if (window === "24h") return "the last 24 hours";
  if (window === "30d") return "the last 30 days";
  return `the last ${window}`;
}

/** What one bucket of a usage window covers: a minute, an hour or a day. */
export function bucketUnit(window: string): "minute" | "hour" | "day" {
  return window === "1h" ? "minute" : window === "24h" ? "hour" : "day";
}

/** A usage bucket's start as a short local label: "14:05" (1h), "14:00" (24h), "3 Apr" (30d). */
export function formatBucket(iso: string, window: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions =
    bucketUnit(window) === "day"
      ? { day: "numeric", month: "short" }
      : { hour: "2-digit", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** A key preset's display name. */
export function presetName(preset: string): string {
  if (preset === "full") return "Full access";
  if (preset === "limited") return "Limited";
  if (preset === "read") return "Read only";
  return preset;
}

/** What a key with this preset can do, in one line. */
export function presetSummary(preset: string): string {
  if (preset === "full") return "Can do everything the partner API allows.";
  if (preset === "limited") return "Can only check domain availability and get quotes.";
  if (preset === "read") return "Can read everything and change nothing.";
  return "A preset this version of the app does not know.";
}

/** A key's visible ends, as shown wherever the key appears: `pk_live_3f9c…9a1f`. */
export function maskedKey(key: { prefix: string; last_four: string }): string {
  return `${key.prefix}…${key.last_four}`;
}

/** A point in time as the API writes it: RFC 3339 UTC to the second ("2026-11-20T10:00:00Z"). */
export function toTimestamp(date: Date | number): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A day as a date input holds it ("2026-11-20"), in local time. */
export function dateInputValue(date: Date | number): string {
  const d = new Date(date);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last second of a date input's day, in local time; `null` when the value is not a day. */
export function endOfLocalDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day, 23, 59, 59);
  return date.getMonth() === month - 1 && date.getDate() === day ? date : null;
}

/** An ISO-8601 timestamp as a local time of day with seconds ("14:05:09"); unchanged when invalid. */
export function formatTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).format(date);
}
