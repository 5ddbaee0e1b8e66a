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
