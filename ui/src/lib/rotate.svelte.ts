/**
 * The rotate wizard's state: what happens to the old key, the rotate call, and the new secret
 * until its reveal step is done. The replacement keeps the old key's label, environment, preset
 * and scope; the old key keeps working (or expires, or is revoked now) as chosen.
 */
import { ApiError } from "./api";
import type { Api, ApiKey, OldKey, Rotated } from "./api";

export type OldKeyChoice = "keep" | "expire-1h" | "expire-24h" | "expire-7d" | "revoke";

export type OldKeyOption = {
  value: OldKeyChoice;
  /** The option's test id (`old-keep`, `old-expire-1h`, …). */
  testid: string;
  title: string;
  detail: string;
  /** Seconds until the old key expires, for the `expire_in` choices. */
  seconds?: number;
};

const HOUR = 3600;

export const OLD_KEY_OPTIONS: readonly OldKeyOption[] = [
  {
    value: "keep",
    testid: "old-keep",
    title: "Keep both until I revoke the old key",
    detail: "Both secrets work; revoke the old one here once its traffic has stopped.",
  },
  {
    value: "expire-1h",
    testid: "old-expire-1h",
    title: "Old key expires in 1 hour",
    detail: "Enough for a quick redeploy.",
    seconds: HOUR,
  },
  {
    value: "expire-24h",
    testid: "old-expire-24h",
    title: "Old key expires in 24 hours",
    detail: "Time for every service to pick up the new secret.",
    seconds: 24 * HOUR,
  },
  {
    value: "expire-7d",
    testid: "old-expire-7d",
    title: "Old key expires in 7 days",
    detail: "For integrations that are slow to change. The longest the API allows.",
    seconds: 7 * 24 * HOUR,
  },
  {
    value: "revoke",
    testid: "old-revoke",
    title: "Revoke the old key now",
    detail: "For a secret that must stop working at once.",
  },
];

/** What the API is asked to do with the old key for a choice. */
export function oldKeyOf(choice: OldKeyChoice): OldKey {
  if (choice === "keep") return { kind: "keep_until_revoked" };
  if (choice === "revoke") return { kind: "revoke_now" };
  const option = OLD_KEY_OPTIONS.find((o) => o.value === choice);
  return { kind: "expire_in", seconds: option?.seconds ?? HOUR };
}

/** Why a key cannot be rotated, or `null` when it can. */
export function cannotRotate(key: ApiKey): string | null {
  if (key.status !== "active") return "Only an active key can be rotated.";
  if (key.replaced_by) return "This key was already rotated; rotate its replacement instead.";
  return null;
}

export type RotatePhase = "choose" | "reveal" | "traffic";

export class RotateStore {
  readonly key: ApiKey;
  choice = $state<OldKeyChoice>("keep");
  rotating = $state(false);
  error = $state<ApiError | null>(null);
  /** The rotation's answer, secret included, until the reveal step is done. */
  rotated = $state.raw<Rotated | null>(null);
  /** The replacement and the old key as the rotation left them (no secret). */
  newKey = $state.raw<ApiKey | null>(null);
  oldKey = $state.raw<ApiKey | null>(null);

  readonly #api: Api;

  constructor(api: Api, key: ApiKey) {
    this.#api = api;
    this.key = key;
  }

  get phase(): RotatePhase {
    if (this.rotated) return "reveal";
    return this.newKey ? "traffic" : "choose";
  }

  /** Rotates with the chosen fate for the old key, saving the new secret to the keyring. */
  async rotate(): Promise<boolean> {
    if (this.rotating || this.newKey) return false;
    this.rotating = true;
    this.error = null;
    try {
      const rotated = await this.#api.rotateKey(this.key.id, oldKeyOf(this.choice), true);
      this.rotated = rotated;
      this.newKey = rotated.key;
      this.oldKey = rotated.replaced;
      return true;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
      return false;
    } finally {
      this.rotating = false;
    }
  }

  /** The reveal step is over: the secret is not kept here any longer. */
  forgetSecret(): void {
    this.rotated = null;
  }
}
