/**
 * What the Domains screen can do besides looking: check availability, set forwarding on the
 * selected rows, export the view to CSV. Each action knows whether the browsing key's preset
 * allows it, and says which preset is needed in the same words a 403 from the server gets
 * ({@link PRESET_NEEDED} in `errors.ts`, contexts `availability` and `forwarding`).
 */
import { ApiError } from "./api";
import type { Availability, Domain, Exported, ForwardingJob, ForwardingProgress } from "./api";
import type { Api } from "./api";
import type { DomainsStore } from "./domains.svelte";
import { PRESET_NEEDED } from "./errors";

/** Whether a row can take forwarding: connected to a customer and active. */
export function canForward(domain: Domain): boolean {
  return domain.category === "connected" && domain.status === "active";
}

export class DomainActions {
  availabilityOpen = $state(false);
  checking = $state(false);
  availability = $state.raw<Availability[]>([]);
  availabilityError = $state<ApiError | null>(null);

  forwardingOpen = $state(false);
  forwarding = $state(false);
  forwardingProgress = $state.raw<ForwardingProgress | null>(null);
  forwardingError = $state<ApiError | null>(null);
  /** Forwarding jobs started from this app, newest first (the detail drawer lists them). */
  jobs = $state.raw<ForwardingJob[]>([]);
  /** The jobs of the last forwarding request, once finished. */
  lastJobs = $state.raw<ForwardingJob[]>([]);

  exporting = $state(false);
  exported = $state<Exported | null>(null);
  exportError = $state<ApiError | null>(null);

  readonly #api: Api;
  readonly #domains: DomainsStore;

  constructor(api: Api, domains: DomainsStore) {
    this.#api = api;
    this.#domains = domains;
  }

  /** `null` when the key may check availability, else why not. */
  get availabilityBlocked(): (typeof PRESET_NEEDED)["availability"] | null {
    const info = this.#domains.info;
    return !info || info.can_check_availability ? null : PRESET_NEEDED.availability;
  }

  /** `null` when the key may set forwarding, else why not. */
  get forwardingBlocked(): (typeof PRESET_NEEDED)["forwarding"] | null {
    const info = this.#domains.info;
    return !info || info.can_set_forwarding ? null : PRESET_NEEDED.forwarding;
  }

  openAvailability(): void {
    this.availabilityOpen = true;
  }

  closeAvailability(): void {
    this.availabilityOpen = false;
  }

  /** Asks about `names`, 50 at a time; answers show as each batch comes. */
  async checkAvailability(names: string[]): Promise<void> {
    const info = this.#domains.info;
    if (!info || this.checking) return;
    this.checking = true;
    this.availability = [];
    this.availabilityError = null;
    try {
      this.availability = await this.#api.checkAvailability(info.key_id, names, (batch) => {
        this.availability = [...this.availability, ...batch];
      });
    } catch (thrown) {
      this.availabilityError = ApiError.from(thrown);
    } finally {
      this.checking = false;
    }
  }

  openForwarding(): void {
    this.forwardingOpen = true;
    this.forwardingProgress = null;
    this.forwardingError = null;
    this.lastJobs = [];
  }

  closeForwarding(): void {
    this.forwardingOpen = false;
  }

  /**
   * Sets forwarding to `url` on the selected rows that can take it. When the jobs end, the rows
   * they completed show the new URL (read again from the server for the open detail).
   */
  async setForwarding(url: string): Promise<void> {
    const info = this.#domains.info;
    const names = this.#domains.selectedDomains.filter(canForward).map((d) => d.domain);
    if (!info || this.forwarding || names.length === 0) return;
    this.forwarding = true;
    this.forwardingError = null;
    this.forwardingProgress = null;
    try {
      const jobs = await this.#api.setForwarding(info.key_id, names, url, (progress) => {
        this.forwardingProgress = progress;
      });
      this.lastJobs = jobs;
      this.jobs = [...[...jobs].reverse(), ...this.jobs];
      this.#applyJobs(jobs);
    } catch (thrown) {
      this.forwardingError = ApiError.from(thrown);
    } finally {
      this.forwarding = false;
    }
  }

  /** Jobs started from this app that included `domain`. */
  jobsFor(domain: Domain): ForwardingJob[] {
    const name = domain.domain.toLowerCase();
    const has = (n: string) => n.toLowerCase() === name || n === domain.id;
    return this.jobs.filter(
      (job) => (job.completed ?? []).some(has) || (job.failed ?? []).some((f) => has(f.domain)),
    );
  }

  /** Writes the table's view (search and sort included) to a CSV file the user picks. */
  async exportCsv(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    this.exported = null;
    this.exportError = null;
    const env = this.#domains.info?.me.api_key.environment ?? "domains";
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- today's date, read once
    const day = new Date().toISOString().slice(0, 10);
    try {
      this.exported = await this.#api.exportDomainsCsv(
        this.#domains.view,
        this.#domains.customers,
        `domains-${env}-${day}.csv`,
      );
    } catch (thrown) {
      this.exportError = ApiError.from(thrown);
    } finally {
      this.exporting = false;
    }
  }

  dismissExport(): void {
    this.exported = null;
    this.exportError = null;
  }

  #applyJobs(jobs: readonly ForwardingJob[]): void {
    const changed: Domain[] = [];
    for (const job of jobs) {
      for (const name of job.completed ?? []) {
        const row = this.#domains.rowByName(name);
        if (row) changed.push({ ...row, forwarding_url: job.forwarding_url });
      }
    }
    this.#domains.replaceRows(changed);
  }
}
