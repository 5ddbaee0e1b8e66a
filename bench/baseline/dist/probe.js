// First-paint probe for bench/run.sh, the same technique as the app's (ui/src/lib/paint.ts): the
// animation-frame callback runs just before the next paint, a task queued from it right after.
requestAnimationFrame(() =>
  setTimeout(() => window.__TAURI_INTERNALS__.invoke("report_painted"), 0),
);
