/**
 * Runs `fn` once what the DOM shows now has been painted: the animation-frame callback runs just
 * before the next paint, and a task queued from it runs right after that paint.
 */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
