/**
 * The domain side of the fake portal: per-environment data sets (generated on first use) and the
 * rules of the real commands behind them: filters, stats, scans that stream pages with pause,
 * resume, cancel, failures and rate-limit waits, availability in batches of 50 and forwarding
 * jobs of 25. {@link FakePortal} checks the key and delegates here; every "request" goes to the
 * portal's log through {@link PortalHooks}. No vitest import, so the browser mock can bundle it.
 */
import { ApiError } from "../lib/api";
import type {
  ApiKey,
  Availability,
  Domain,
  DomainFilter,
  ForwardingJob,
  ForwardingProgress,
  IpcError,
  ScanControl,
  ScanEvent,
  StatsAnswer,
  User,
} from "../lib/api";
import {
  NOW,
  countDomains,
  fakeCustomers,
  fakeDomains,
  iso,
  quote,
  random,
  ulid,
} from "./fake-domain-data";
import { FakeScan, PAGE_SIZE } from "./fake-scan";
import type { PortalHooks, ScanTrouble } from "./fake-scan";

export { BASE_CUSTOMERS, NOW, countDomains, fakeCustomers, fakeDomains } from "./fake-domain-data";
export { PAGE_SIZE } from "./fake-scan";
export type { PortalHooks } from "./fake-scan";

/** How many domains each environment holds. */
export type DomainCounts = { live?: number; test?: number };
export const DEFAULT_DOMAIN_COUNTS = { live: 1250, test: 640 } as const;
export const AVAILABILITY_BATCH = 50;
export const FORWARDING_BATCH = 25;
const API = "/api/partner/v1";

function silentHooks(): PortalHooks {
  let n = 0;
  return {
    requestId: () => `req_fake${(n += 1)}`,
    record: () => {},
    local: () => {},
  };
}

function fail(error: IpcError): never {
  throw new ApiError(error);
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Names trimmed, blanks and repeats (ignoring case) dropped, first spelling kept (like Rust). */
export function distinctNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names
    .map((name) => name.trim())
    .filter((name) => name && !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}

function checkForwardingUrl(text: string): string {
  const trimmed = text.trim();
  const field = "forwarding_url";
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    fail({
      code: "invalid_request",
      message: "Enter a full web address, like https://example.com/welcome",
      field,
    });
  }
  if (url.protocol !== "https:" || !url.hostname) {
    fail({
      code: "invalid_request",
      message: "The forwarding address must start with https://",
      field,
    });
  }
  return trimmed;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** The query string of a filter, as the client would send it. */
function query(filter: DomainFilter): string {
  const keys = ["category", "status", "usable_for", "user_id", "user_email"] as const;
  return keys
    .filter((key) => filter[key])
    .map((key) => `&${key}=${encodeURIComponent(filter[key]!)}`)
    .join("");
}

type DataSet = {
  domains: Domain[];
  customers: User[];
  byId?: Map<string, number>;
  byName?: Map<string, number>;
};

/** Domains and customers of each environment, and what the partner API does with them. */
export class FakeDomains {
  /** Milliseconds between two pages of a scan (0: the next timer tick). */
  scanPageDelayMs = 0;
  /** Milliseconds each availability batch and each forwarding step takes. */
  actionDelayMs = 20;
  /** Whether the server lacks `GET /domains/stats` (an extension): stats answer `null`. */
  statsUnsupported = false;
  readonly #counts: Record<string, number>;
  readonly #hooks: PortalHooks;
  readonly #sets = new Map<string, DataSet>();
  /** Scans that may still send something (at most one is running). */
  readonly #scans = new Map<number, FakeScan>();
  #scanIds = 0;
  #jobs = 0;
  #jobRandom = random(7);
  readonly #trouble: ScanTrouble = { failure: null, rateLimit: null };

  constructor(counts: DomainCounts = {}, hooks: PortalHooks = silentHooks()) {
    this.#counts = { ...DEFAULT_DOMAIN_COUNTS, ...counts };
    this.#hooks = hooks;
  }

  /** Every domain of `environment`, in the server's order (newest first). */
  domains(environment: string): readonly Domain[] {
    return this.#set(environment).domains;
  }

  /** Every customer of `environment`. */
  customers(environment: string): readonly User[] {
    return this.#set(environment).customers;
  }

  /** The rows `key` sees through `filter`, in the server's order (what a full scan yields). */
  matching(key: ApiKey, filter: DomainFilter): Domain[] {
    const set = this.#set(key.environment);
    return Array.from(this.#matches(key, filter, set), (at) => set.domains[at]!);
  }

  /** The next scan to reach `afterPages` delivered pages fails with `error` (once). */
  failScanAfter(afterPages: number, error: IpcError): void {
    this.#trouble.failure = { afterPages, error };
  }

  /** The next scan asking for page `page` (1-based) gets a 429 and waits `seconds` (once). */
  rateLimitScanAt(page: number, seconds: number): void {
    this.#trouble.rateLimit = { page, seconds };
  }

  /** Counts for `filter`; `null` (after a 404) when {@link statsUnsupported}. */
  stats(key: ApiKey, filter: DomainFilter): StatsAnswer | null {
    const requestId = this.#hooks.requestId();
    const path = `${API}/domains/stats${query(filter).replace("&", "?")}`;
    if (this.statsUnsupported) {
      this.#hooks.record("GET", path, 404, requestId, "not_found");
      return null;
    }
    this.#hooks.record("GET", path, 200, requestId);
    return {
      stats: countDomains(this.matching(key, filter)),
      computed: false,
      request_id: requestId,
    };
  }

  detail(key: ApiKey, id: string): Domain {
    const set = this.#set(key.environment);
    const row = this.#find(key, set, id);
    const requestId = this.#hooks.requestId();
    const path = `${API}/domains/${encodeURIComponent(id)}`;
    this.#hooks.record("GET", path, row ? 200 : 404, requestId, row ? null : "not_found");
    return row ?? fail({ code: "not_found", message: "No such domain", request_id: requestId });
  }

  listCustomers(key: ApiKey): User[] {
    const all = this.#set(key.environment).customers;
    const users = key.scope.type === "user" ? all.filter((u) => u.id === key.scope.user_id) : all;
    for (let page = 0; page === 0 || page * PAGE_SIZE < users.length; page += 1) {
      const token = page ? `&page_token=p${page}` : "";
      this.#hooks.record("GET", `${API}/users?per_page=100${token}`, 200, this.#hooks.requestId());
    }
    return users.map((user) => ({ ...user }));
  }

  /** Starts a scan (cancelling the others); its events come later, from timers. */
  scan(key: ApiKey, filter: DomainFilter, onEvent: (event: ScanEvent) => void): number {
    for (const old of this.#scans.values()) old.control("cancel");
    this.#scans.clear();
    const set = this.#set(key.environment);
    const matches = this.#matches(key, filter, set);
    this.#scanIds += 1;
    const scan = new FakeScan(
      this.#scanIds,
      onEvent,
      matches.length,
      (at) => set.domains[matches[at]!]!,
      `${API}/domains?per_page=${PAGE_SIZE}${query(filter)}`,
      this.#hooks,
      this.#trouble,
      () => this.scanPageDelayMs,
    );
    this.#scans.set(scan.id, scan);
    return scan.id;
  }

  /** Pause, resume (also after a failure) or cancel; an unknown or ended scan is ignored. */
  control(scanId: number, control: ScanControl): void {
    const scan = this.#scans.get(scanId);
    scan?.control(control);
    if (scan && !scan.live) this.#scans.delete(scanId);
  }

  async checkAvailability(
    key: ApiKey,
    names: string[],
    onBatch: (batch: Availability[]) => void,
  ): Promise<Availability[]> {
    const distinct = distinctNames(names);
    if (distinct.length === 0) {
      fail({
        code: "invalid_request",
        message: "Enter at least one domain name",
        field: "domains",
      });
    }
    const set = this.#set(key.environment);
    const answers: Availability[] = [];
    for (const batch of chunks(distinct, AVAILABILITY_BATCH)) {
      await sleep(this.actionDelayMs);
      const allowed = ["limited", "full"].includes(key.permission_preset);
      const requestId = this.#request("POST", "/domains/availability", allowed ? 200 : 403);
      if (!allowed) {
        const message = `This key's permission preset (${key.permission_preset}) cannot check availability. Use a limited or full key.`;
        fail({ code: "forbidden", message, request_id: requestId });
      }
      const answer = batch.map((name) => quote(name, (domain) => this.#byName(set).has(domain)));
      onBatch(answer);
      answers.push(...answer);
    }
    return answers;
  }

  async setForwarding(
    key: ApiKey,
    domains: string[],
    forwardingUrl: string,
    onProgress: (progress: ForwardingProgress) => void,
  ): Promise<ForwardingJob[]> {
    const target = checkForwardingUrl(forwardingUrl);
    const batches = chunks(distinctNames(domains), FORWARDING_BATCH);
    if (batches.length === 0) {
      fail({ code: "invalid_request", message: "Select at least one domain", field: "domains" });
    }
    const jobs: ForwardingJob[] = [];
    let left = batches.length;
    const report = () => onProgress({ jobs: jobs.map(copyJob), batches_left: left });
    for (let i = 0; i < batches.length; i += 1) {
      await sleep(this.actionDelayMs);
      const allowed = key.permission_preset === "full";
      const requestId = this.#request("POST", "/domains/forwarding", allowed ? 202 : 403);
      if (!allowed) {
        const message = `This key's permission preset (${key.permission_preset}) cannot set forwarding. Use a full key.`;
        fail({ code: "forbidden", message, request_id: requestId });
      }
      this.#jobs += 1;
      const at = NOW + this.#jobs * 1000;
      jobs.push({
        id: ulid("fwj_", at, this.#jobRandom),
        status: "in_progress",
        completed_count: 0,
        failed_count: 0,
        forwarding_url: target,
        completed: [],
        failed: [],
        created_at: iso(at),
        completed_at: null,
      });
      left -= 1;
      report();
    }
    const set = this.#set(key.environment);
    for (const [i, job] of jobs.entries()) {
      await sleep(this.actionDelayMs);
      this.#request("GET", `/domains/forwarding/${job.id}`, 200);
      for (const name of batches[i]!) {
        const reason = this.#forward(key, set, name, target);
        if (reason) job.failed!.push({ domain: name, reason });
        else job.completed!.push(name);
      }
      job.completed_count = job.completed!.length;
      job.failed_count = job.failed!.length;
      job.status = !job.failed_count
        ? "completed"
        : job.completed_count
          ? "partial_success"
          : "failed";
      job.completed_at = iso(Date.parse(job.created_at) + 2000);
      report();
    }
    const done = jobs.reduce((sum, job) => sum + job.completed_count, 0);
    const failed = jobs.reduce((sum, job) => sum + job.failed_count, 0);
    const note = `${target} on ${done} domain(s); ${failed} failed`;
    this.#hooks.local("forwarding_set", key.id, note);
    return jobs.map(copyJob);
  }

  #set(environment: string): DataSet {
    let set = this.#sets.get(environment);
    if (!set) {
      const customers = fakeCustomers(environment);
      const count = this.#counts[environment] ?? 0;
      set = { customers, domains: fakeDomains(count, environment, 1, customers) };
      this.#sets.set(environment, set);
    }
    return set;
  }

  #matches(key: ApiKey, filter: DomainFilter, set: DataSet): Uint32Array {
    const scoped = key.scope.type === "user" ? (key.scope.user_id ?? "") : null;
    const email = filter.user_email?.trim().toLowerCase();
    const owners = email
      ? new Set(set.customers.filter((u) => u.email.toLowerCase() === email).map((u) => u.id))
      : null;
    const out: number[] = [];
    set.domains.forEach((row, at) => {
      if (filter.category && row.category !== filter.category) return;
      if (filter.status && row.status !== filter.status) return;
      if (filter.usable_for && !row.usable_for.includes(filter.usable_for)) return;
      if (filter.user_id && row.user_id !== filter.user_id) return;
      if (owners && !owners.has(row.user_id ?? "")) return;
      if (scoped !== null && row.user_id !== scoped) return;
      out.push(at);
    });
    return Uint32Array.from(out);
  }

  #byName(set: DataSet): Map<string, number> {
    set.byName ??= new Map(set.domains.map((row, at) => [row.domain, at]));
    return set.byName;
  }

  /** A row by id or name (ignoring case) that `key` may see. */
  #find(key: ApiKey, set: DataSet, idOrName: string): Domain | undefined {
    set.byId ??= new Map(set.domains.map((row, at) => [row.id, at]));
    const at = set.byId.get(idOrName) ?? this.#byName(set).get(idOrName.toLowerCase());
    const row = at === undefined ? undefined : set.domains[at];
    if (row && key.scope.type === "user" && row.user_id !== key.scope.user_id) return undefined;
    return row;
  }

  /** Sets forwarding on one domain; why not, when it cannot be. */
  #forward(key: ApiKey, set: DataSet, name: string, target: string): string | null {
    const row = this.#find(key, set, name);
    if (!row) return "not_found";
    if (row.category !== "connected") return "not_connected";
    if (row.status !== "active") return "not_active";
    // Rows are replaced, never changed in place: the UI may hold the old object.
    set.domains[set.byId!.get(row.id)!] = { ...row, forwarding_url: target };
    return null;
  }

  #request(method: string, path: string, status: number): string {
    const requestId = this.#hooks.requestId();
    const error = status >= 400 ? "forbidden" : null;
    this.#hooks.record(method, `${API}${path}`, status, requestId, error);
    return requestId;
  }
}

function copyJob(job: ForwardingJob): ForwardingJob {
  return { ...job, completed: [...(job.completed ?? [])], failed: [...(job.failed ?? [])] };
}
