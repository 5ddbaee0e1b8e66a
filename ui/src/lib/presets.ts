/**
 * What each permission preset lets a key do, in plain words (API.md §2, "Presets"): `full` may
 * write everything, `limited` may only check availability and prices, `read` may write nothing.
 * The create wizard's can/can't table reads it from here; names and one-line summaries of the
 * presets are `presetName` / `presetSummary` in `format.ts`.
 */
import type { Preset } from "./api";

/** The presets the API knows, least powerful last (the order of the table's columns). */
export const PRESET_IDS = ["full", "limited", "read"] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** One row of the can/can't table. */
export type Capability = {
  /** What the key would do, as the row heading. */
  action: string;
  /** The endpoints behind it, for the curious (empty when the action names it). */
  endpoints: string;
  /** Whether each preset allows it. */
  allowed: Record<PresetId, boolean>;
};

export const CAPABILITIES: readonly Capability[] = [
  {
    action: "Read domains and customers",
    endpoints: "GET /domains, GET /users",
    allowed: { full: true, limited: true, read: true },
  },
  {
    action: "Check availability and prices",
    endpoints: "POST /domains/availability",
    allowed: { full: true, limited: true, read: false },
  },
  {
    action: "Set forwarding / change domains",
    endpoints: "POST /domains/forwarding",
    allowed: { full: true, limited: false, read: false },
  },
  {
    action: "See its own key info (GET /me)",
    endpoints: "",
    allowed: { full: true, limited: true, read: true },
  },
];

export function isPresetId(value: Preset): value is PresetId {
  return (PRESET_IDS as readonly string[]).includes(value);
}
