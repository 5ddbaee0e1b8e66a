/**
 * Runs `fn` once what the DOM shows now is on screen: the second animation frame starts after the
 * first one has painted.
 */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => requestAnimationFrame(fn));
}
