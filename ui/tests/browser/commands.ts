/**
 * Every IPC command of `src/lib/bindings.ts`: its snake_case name → the {@link Api} method that
 * answers it in the fake and the camelCase argument names, in the method's order. The browser
 * suite checks this table against bindings.ts, so a new command cannot be forgotten here.
 * A `Channel` argument arrives as `"__CHANNEL__:<id>"`; the mock turns it into a callback.
 */
import type { Api } from "../../src/lib/api";

export const COMMANDS: Record<string, readonly [keyof Api, readonly string[]]> = {
  app_info: ["appInfo", []],
  report_painted: ["reportPainted", ["milestone"]],
  sign_in: ["signIn", ["request"]],
  sign_out: ["signOut", []],
  current_session: ["currentSession", []],
  lock_app: ["lockApp", []],
  unlock_app: ["unlockApp", ["password"]],
  list_keys: ["listKeys", ["filter"]],
  get_key: ["getKey", ["keyId"]],
  create_key: ["createKey", ["request"]],
  add_existing_key: ["addExistingKey", ["secret"]],
  verify_key: ["verifyKey", ["keyId"]],
  rotate_key: ["rotateKey", ["keyId", "oldKey", "save"]],
  revoke_key: ["revokeKey", ["keyId"]],
  key_leaked: ["keyLeaked", ["keyId"]],
  reconcile_keys: ["reconcileKeys", []],
  purge_secrets: ["purgeSecrets", ["keyIds"]],
  key_usage: ["keyUsage", ["keyId", "window"]],
  search_customers: ["searchCustomers", ["environment", "query"]],
  copy_revealed: ["copyRevealed", ["keyId"]],
  copy_stored_secret: ["copyStoredSecret", ["keyId"]],
  save_revealed: ["saveRevealed", ["keyId"]],
  unsave_revealed: ["unsaveRevealed", ["keyId"]],
  close_reveal: ["closeReveal", ["keyId"]],
  clear_clipboard: ["clearClipboard", []],
  copy_text: ["copyText", ["text"]],
  open_external: ["openExternal", ["url"]],
  open_browser: ["openBrowser", ["keyId"]],
  create_browsing_key: ["createBrowsingKey", ["environment"]],
  scan_domains: ["scanDomains", ["keyId", "filter", "events"]],
  control_scan: ["controlScan", ["scanId", "control"]],
  domain_stats: ["domainStats", ["keyId", "filter"]],
  domain_detail: ["domainDetail", ["keyId", "domainId"]],
  list_customers: ["listCustomers", ["keyId"]],
  check_availability: ["checkAvailability", ["keyId", "names", "batches"]],
  set_forwarding: ["setForwarding", ["keyId", "domains", "forwardingUrl", "progress"]],
  export_domains_csv: ["exportDomainsCsv", ["rows", "customers", "suggestedName"]],
  get_settings: ["getSettings", []],
  save_settings: ["saveSettings", ["settings"]],
  activity: ["activity", ["keyId", "limit"]],
  request_log: ["requestLog", []],
};
