/**
 * The Domains screen's state: which stored key browses, the server-side filters, the rows
 * loaded so far (streamed page by page from Rust), the text search and sort over them, the
 * stats, the customers, the selection and the open detail. Actions (availability, forwarding,
 * export) live in `domain-actions.svelte.ts` and work on this store.
 *
 * Rows are kept in plain arrays, not deep `$state`: 100,000 proxied objects would cost more than
 * the table itself. `revision` tells Svelte when they changed; while pages stream in it moves at
 * most every {@link FLUSH_MS}, so the view (search + sort) is recomputed a few times a second,
 * not once per page.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- the rows, their index and the selection are
   plain collections replaced whole and signalled through `revision` / `$state.raw` (see above):
   deep reactivity over 100,000 rows is what this store avoids. */
import { ApiError } from "./api";
import type {
  Api,
  BrowseInfo,
  Domain,
  DomainFilter,
  DomainId,
  Environment,
  IpcError,
  KeyId,
  KeyView,
  ScanEvent,
  StatsAnswer,
  User,
  UserId,
} from "./api";
import type { DomainColumn } from "./domain-columns";
import { countByCustomer, countStats, haystack, nextSort, search, sortRows } from "./domain-view";
import type { Sort } from "./domain-view";

/** How often streamed pages reach the view, at most. */
export const FLUSH_MS = 250;
/** The key the screen used last (an id, not a secret), remembered across runs. */
export const LAST_KEY_STORAGE = "partner-portal.domains.key";
/** How far back the loading rate is measured. */
const RATE_WINDOW_MS = 5000;

export type ScanState = "idle" | "loading" | "paused" | "waiting" | "failed" | "done" | "cancelled";

/** The filters that go to the server (the text search stays in the UI). */
export type ServerFilter = Pick<DomainFilter, "category" | "status" | "usable_for" | "user_id">;

export class DomainsStore {
  /** Active keys whose secret this computer's keyring holds. */
  keys = $state<KeyView[]>([]);
  keysLoaded = $state(false);
  keysError = $state<ApiError | null>(null);
  /** The key browsing now, as `GET /me` described it. */
  info = $state<BrowseInfo | null>(null);
  opening = $state(false);
  openError = $state<ApiError | null>(null);
  creatingKey = $state(false);
  createError = $state<ApiError | null>(null);

  filter = $state<ServerFilter>({});
  /** Instant search over the loaded rows. */
  query = $state("");
  /**
   * The customer's provider, filtered over the loaded rows: the API filters by `usable_for`
   * but counts (and shows) `provider`, so the provider chart filters here.
   */
  provider = $state<string | null>(null);
  sort = $state<Sort | null>(null);

  /** Bumped whenever the rows change (see the module docs). */
  revision = $state(0);
  scanState = $state<ScanState>("idle");
  pages = $state(0);
  scanError = $state<ApiError | null>(null);
  /** The wait before the page is asked again (a 429, or a brief failure), while waiting. */
  waitSeconds = $state<number | null>(null);
  /** What the attempt before the wait got (its code and request id), while waiting. */
  waitError = $state<IpcError | null>(null);
  /** Rows per second over the last few seconds. */
  rate = $state<number | null>(null);

  /** The server's counts for the filters (`null` until read, or when it lacks the extension). */
  stats = $state<StatsAnswer | null>(null);
  /** The server has no `GET /domains/stats`: the overview counts the loaded rows. */
  statsUnsupported = $state(false);
  statsLoading = $state(false);
  statsError = $state<ApiError | null>(null);

  customers = $state.raw<User[]>([]);
  customersLoading = $state(false);
  customersError = $state<ApiError | null>(null);

  selected = $state.raw<ReadonlySet<DomainId>>(new Set());
  /** The domain whose detail is open. */
  detail = $state.raw<Domain | null>(null);
  detailLoading = $state(false);
  detailError = $state<ApiError | null>(null);

  readonly #api: Api;
  readonly #now: () => number;
  readonly #storage: Pick<Storage, "getItem" | "setItem"> | null;
  #rows: Domain[] = [];
  #hay: string[] = [];
  #index = new Map<DomainId, number>();
  #scanId: number | null = null;
  /** Only the newest scan's events count. */
  #generation = 0;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #arrivals: { at: number; rows: number }[] = [];
  #statsSeq = 0;

  constructor(
    api: Api,
    options: { now?: () => number; storage?: Pick<Storage, "getItem" | "setItem"> | null } = {},
  ) {
    this.#api = api;
    this.#now = options.now ?? (() => performance.now());
    this.#storage =
      options.storage === undefined ? (globalThis.localStorage ?? null) : options.storage;
  }

  /** Every row loaded so far, in the server's order. */
  get rows(): readonly Domain[] {
    void this.revision;
    return this.#rows;
  }

  /** How many rows are loaded. */
  get loaded(): number {
    void this.revision;
    return this.#rows.length;
  }

  /** The loaded rows through the text search and the sort: what the table shows. */
  readonly view = $derived.by((): Domain[] => {
    void this.revision;
    let found = search(this.#rows, this.#hay, this.query);
    const provider = this.provider;
    if (provider) found = found.filter((row) => row.provider === provider);
    return sortRows(found, this.sort, this.emailOf);
  });

  /** Customers by id. */
  readonly customerById = $derived(new Map(this.customers.map((user) => [user.id, user])));

  /** A customer's email (the table's customer column). */
  readonly emailOf = (id: UserId): string | undefined => this.customerById.get(id)?.email;

  /** Domains per customer among the loaded rows (the Customers view). */
  readonly customerCounts = $derived.by(() => {
    void this.revision;
    return countByCustomer(this.#rows);
  });

  /** The overview's counts: the server's, or counted from the loaded rows when it has none. */
  readonly overview = $derived.by((): StatsAnswer | null => {
    if (this.stats) return this.stats;
    if (!this.statsUnsupported) return null;
    void this.revision;
    return { stats: countStats(this.#rows), computed: true, request_id: null };
  });

  /** How many rows match the filters: the server's count, or all loaded once the scan ends. */
  get expected(): number | null {
    if (this.stats) return this.stats.stats.total;
    return this.scanState === "done" ? this.loaded : null;
  }

  /** Seconds until every page is in: the pages left at the slower of the rate seen and the limit. */
  get etaSeconds(): number | null {
    const expected = this.expected;
    if (expected === null || this.scanState !== "loading") return null;
    const pagesLeft = Math.ceil(Math.max(0, expected - this.loaded) / 100);
    const limit = this.info?.rate_limit_per_minute;
    const seen = this.rate ? this.rate / 100 : null;
    const allowed = limit ? limit / 60 : null;
    const pagesPerSecond = Math.min(seen ?? Infinity, allowed ?? Infinity);
    return Number.isFinite(pagesPerSecond) && pagesPerSecond > 0
      ? pagesLeft / pagesPerSecond
      : null;
  }

  /** Whether a server filter is set. */
  get filtered(): boolean {
    return Object.values(this.filter).some((value) => value != null);
  }

  /** The selected rows that are loaded. */
  get selectedDomains(): Domain[] {
    void this.revision;
    const out: Domain[] = [];
    for (const id of this.selected) {
      const at = this.#index.get(id);
      if (at !== undefined) out.push(this.#rows[at]!);
    }
    return out;
  }

  /** Reads the keys this computer can browse with, then opens the remembered one (or the first). */
  async loadKeys(): Promise<void> {
    try {
      const keys = await this.#api.listKeys({ environment: null, status: "active" });
      this.keys = keys.filter((view) => view.stored && view.key.status === "active");
      this.keysError = null;
    } catch (thrown) {
      this.keysError = ApiError.from(thrown);
    } finally {
      this.keysLoaded = true;
    }
    const current = this.info?.key_id;
    if (current && this.keys.some((view) => view.key.id === current)) return;
    const remembered = this.#storage?.getItem(LAST_KEY_STORAGE);
    const pick = this.keys.find((view) => view.key.id === remembered) ?? this.keys[0];
    if (pick) await this.useKey(pick.key.id);
  }

  /** Browses with `keyId`: checks it (`GET /me`), then loads its data set from the start. */
  async useKey(keyId: KeyId): Promise<void> {
    this.opening = true;
    this.openError = null;
    try {
      const info = await this.#api.openBrowser(keyId);
      const switched = info.me.api_key.environment !== this.info?.me.api_key.environment;
      this.info = info;
      this.#storage?.setItem(LAST_KEY_STORAGE, keyId);
      if (switched) {
        this.filter = {};
        this.provider = null;
      }
      this.closeDetail();
      this.customers = [];
      void this.#loadCustomers(keyId);
      await this.reload();
    } catch (thrown) {
      this.openError = ApiError.from(thrown);
    } finally {
      this.opening = false;
    }
  }

  /** Makes a `read` key for browsing `environment`, stored in the keyring, and browses with it. */
  async createBrowsingKey(environment: Environment): Promise<void> {
    this.creatingKey = true;
    this.createError = null;
    try {
      const view = await this.#api.createBrowsingKey(environment);
      this.keys = [view, ...this.keys.filter((v) => v.key.id !== view.key.id)];
      await this.useKey(view.key.id);
    } catch (thrown) {
      this.createError = ApiError.from(thrown);
    } finally {
      this.creatingKey = false;
    }
  }

  /** Sets server filters (a `null` clears one) and loads again. */
  async setFilter(patch: Partial<ServerFilter>): Promise<void> {
    this.filter = { ...this.filter, ...patch };
    await this.reload();
  }

  /** A chart's bar was clicked: filter by it, or clear it when it is the filter already. */
  async pick(kind: "status" | "category" | "provider", value: string): Promise<void> {
    if (kind === "provider") {
      this.setProvider(this.provider === value ? null : value);
      return;
    }
    const same = this.filter[kind] === value;
    await this.setFilter({ [kind]: same ? null : value });
  }

  async clearFilter(): Promise<void> {
    this.filter = {};
    await this.reload();
  }

  setQuery(query: string): void {
    this.query = query;
  }

  setProvider(provider: string | null): void {
    this.provider = provider;
  }

  toggleSort(column: DomainColumn): void {
    this.sort = nextSort(this.sort, column);
  }

  /** Drops the rows and loads the filtered list and its stats from the start. */
  async reload(): Promise<void> {
    const info = this.info;
    if (!info) return;
    this.#cancelRunning();
    this.#reset();
    void this.#loadStats(info.key_id);
    await this.#startScan(info.key_id);
  }

  async pause(): Promise<void> {
    if (this.#scanId !== null) await this.#control("pause");
  }

  /** Goes on after a pause, or from where a failure stopped (nothing loaded is dropped). */
  async resume(): Promise<void> {
    if (this.scanState === "cancelled") return this.reload();
    if (this.#scanId !== null) await this.#control("resume");
  }

  async cancel(): Promise<void> {
    if (this.#scanId !== null) await this.#control("cancel");
  }

  toggleSelected(id: DomainId): void {
    const next = new Set(this.selected);
    if (!next.delete(id)) next.add(id);
    this.selected = next;
  }

  /** Selects every row of the view, or none when all are selected already. */
  toggleAll(): void {
    const view = this.view;
    const all = view.length > 0 && view.every((row) => this.selected.has(row.id));
    this.selected = all ? new Set() : new Set(view.map((row) => row.id));
  }

  clearSelection(): void {
    this.selected = new Set();
  }

  /** Opens a domain's detail: the loaded row at once, then the server's fresh copy. */
  async openDetail(domain: Domain): Promise<void> {
    const info = this.info;
    this.detail = domain;
    this.detailError = null;
    if (!info) return;
    this.detailLoading = true;
    try {
      const fresh = await this.#api.domainDetail(info.key_id, domain.id);
      if (this.detail?.id !== domain.id) return;
      this.detail = fresh;
      this.replaceRows([fresh]);
    } catch (thrown) {
      if (this.detail?.id === domain.id) this.detailError = ApiError.from(thrown);
    } finally {
      this.detailLoading = false;
    }
  }

  closeDetail(): void {
    this.detail = null;
    this.detailError = null;
  }

  /** Puts changed domains (e.g. after forwarding) in place of the loaded rows with their ids. */
  replaceRows(domains: readonly Domain[]): void {
    let changed = false;
    for (const domain of domains) {
      const at = this.#index.get(domain.id);
      if (at === undefined) continue;
      this.#rows[at] = domain;
      this.#hay[at] = haystack(domain, this.emailOf);
      changed = true;
      if (this.detail?.id === domain.id) this.detail = domain;
    }
    if (changed) this.#bump();
  }

  /** The loaded row of a domain name, if any (forwarding jobs report names). */
  rowByName(name: string): Domain | undefined {
    const lower = name.toLowerCase();
    return this.#rows.find((row) => row.domain.toLowerCase() === lower);
  }

  /** Stops the scan and forgets timers (the screen is going away). */
  dispose(): void {
    this.#cancelRunning();
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  #reset(): void {
    this.#rows = [];
    this.#hay = [];
    this.#index = new Map();
    this.#arrivals = [];
    this.selected = new Set();
    this.pages = 0;
    this.rate = null;
    this.scanError = null;
    this.waitSeconds = null;
    this.waitError = null;
    this.stats = null;
    this.statsUnsupported = false;
    this.statsError = null;
    this.#bump();
  }

  #cancelRunning(): void {
    this.#generation += 1;
    const id = this.#scanId;
    this.#scanId = null;
    if (id !== null && ["loading", "paused", "waiting", "failed"].includes(this.scanState)) {
      this.#api.controlScan(id, "cancel").catch(() => {
        // A scan that already ended has nothing to cancel.
      });
    }
  }

  async #startScan(keyId: KeyId): Promise<void> {
    const generation = this.#generation;
    this.scanState = "loading";
    try {
      const id = await this.#api.scanDomains(keyId, { ...this.filter }, (event) => {
        if (generation === this.#generation) this.#onEvent(event);
      });
      if (generation === this.#generation) this.#scanId = id;
      else void this.#api.controlScan(id, "cancel").catch(() => undefined);
    } catch (thrown) {
      if (generation !== this.#generation) return;
      this.scanError = ApiError.from(thrown);
      this.scanState = "failed";
    }
  }

  #onEvent(event: ScanEvent): void {
    switch (event.kind) {
      case "page":
        this.#append(event.rows);
        this.pages = event.progress.pages;
        this.waitSeconds = null;
        this.waitError = null;
        if (this.scanState === "waiting") this.scanState = "loading";
        break;
      case "waiting":
        this.scanState = "waiting";
        this.waitSeconds = event.seconds;
        this.waitError = event.error;
        this.#flush();
        break;
      case "paused":
        this.scanState = "paused";
        this.#flush();
        break;
      case "resumed":
        this.scanState = "loading";
        this.scanError = null;
        break;
      case "failed":
        this.scanState = "failed";
        this.scanError = new ApiError(event.error);
        this.#flush();
        break;
      case "finished":
        this.scanState = "done";
        this.#flush();
        break;
      case "cancelled":
        this.scanState = "cancelled";
        this.#scanId = null;
        this.#flush();
        break;
    }
  }

  #append(rows: readonly Domain[]): void {
    for (const row of rows) {
      if (this.#index.has(row.id)) continue;
      this.#index.set(row.id, this.#rows.length);
      this.#rows.push(row);
      this.#hay.push(haystack(row, this.emailOf));
    }
    const now = this.#now();
    this.#arrivals.push({ at: now, rows: rows.length });
    while (this.#arrivals.length > 1 && now - this.#arrivals[0]!.at > RATE_WINDOW_MS) {
      this.#arrivals.shift();
    }
    const first = this.#arrivals[0]!;
    const span = (now - first.at) / 1000;
    const counted = this.#arrivals.reduce((sum, a) => sum + a.rows, 0) - first.rows;
    if (span > 0) this.rate = counted / span;
    // The first rows show at once; later ones are batched.
    if (this.revision === 0 || this.#rows.length === rows.length) this.#flush();
    else this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  }

  #flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#bump();
  }

  #bump(): void {
    this.revision += 1;
  }

  async #control(control: "pause" | "resume" | "cancel"): Promise<void> {
    const id = this.#scanId;
    if (id === null) return;
    try {
      await this.#api.controlScan(id, control);
    } catch (thrown) {
      this.scanError = ApiError.from(thrown);
    }
  }

  async #loadStats(keyId: KeyId): Promise<void> {
    const seq = ++this.#statsSeq;
    this.statsLoading = true;
    try {
      const stats = await this.#api.domainStats(keyId, { ...this.filter });
      if (seq !== this.#statsSeq) return;
      this.stats = stats;
      this.statsUnsupported = stats === null;
    } catch (thrown) {
      if (seq === this.#statsSeq) this.statsError = ApiError.from(thrown);
    } finally {
      if (seq === this.#statsSeq) this.statsLoading = false;
    }
  }

  async #loadCustomers(keyId: KeyId): Promise<void> {
    this.customersLoading = true;
    this.customersError = null;
    try {
      const customers = await this.#api.listCustomers(keyId);
      if (this.info?.key_id !== keyId) return;
      this.customers = customers;
      // The search looks through customer emails: index them for the rows already loaded.
      this.#hay = this.#rows.map((row) => haystack(row, this.emailOf));
      this.#bump();
    } catch (thrown) {
      this.customersError = ApiError.from(thrown);
    } finally {
      this.customersLoading = false;
    }
  }
}
