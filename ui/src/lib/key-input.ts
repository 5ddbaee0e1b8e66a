/**
 * Checks of what the admin types into the key forms, run on every keystroke so the reason shows
 * before anything is sent. They mirror the Rust side (`check_label`, `parse_partner_key`); the
 * server still has the last word. Wording comes from `errors.ts`.
 */
import type { Environment } from "./api";
import { INPUT_RULES } from "./errors";

/** Longest label the API accepts. */
export const LABEL_MAX = 64;

/** A check's outcome: the cleaned value, or why not (`null` when there is nothing to say yet). */
export type Check<T> = { ok: true; value: T } | { ok: false; reason: string | null };

/** Unicode control characters (`char::is_control` in Rust: general category Cc). */
const CONTROL = /\p{Cc}/u;

/** A label as the API compares it: trimmed, 1 to 64 characters, no control characters. */
export function checkLabel(text: string): Check<string> {
  const label = text.trim();
  if (!label) return { ok: false, reason: INPUT_RULES.labelEmpty };
  const count = [...label].length;
  if (count > LABEL_MAX) return { ok: false, reason: INPUT_RULES.labelTooLong(LABEL_MAX, count) };
  if (CONTROL.test(label)) return { ok: false, reason: INPUT_RULES.labelControl };
  return { ok: true, value: label };
}

/** A pasted partner API key: `pk_live_` or `pk_test_`, then 64 lowercase hex characters. */
export type PastedKey = { secret: string; environment: Environment };

/** Checks a pasted key; surrounding spaces and line breaks (from copying) are dropped. */
export function checkPastedSecret(text: string): Check<PastedKey> {
  const secret = text.trim();
  if (!secret) return { ok: false, reason: null };
  const match = /^pk_(live|test)_/.exec(secret);
  if (!match) return { ok: false, reason: INPUT_RULES.secretPrefix };
  const prefix = match[0];
  const rest = secret.slice(prefix.length);
  if (!/^[0-9a-fA-F]*$/.test(rest)) return { ok: false, reason: INPUT_RULES.secretHex(prefix) };
  if (rest.length !== 64) {
    return { ok: false, reason: INPUT_RULES.secretLength(prefix, rest.length) };
  }
  if (rest !== rest.toLowerCase()) return { ok: false, reason: INPUT_RULES.secretCase };
  return { ok: true, value: { secret, environment: match[1] as Environment } };
}

/** A customer id typed by hand (`usr_…`). */
export function checkCustomerId(text: string): Check<string> {
  const id = text.trim();
  if (!id) return { ok: false, reason: null };
  if (!/^usr_[0-9A-Za-z]+$/.test(id)) return { ok: false, reason: INPUT_RULES.customerId };
  return { ok: true, value: id };
}
