/**
 * Keeps a secret shown on screen from leaving through the webview. The clipboard is Rust's
 * (it marks the copy as a secret for clipboard managers and clears it later), so every way a
 * user copies the secret's element goes to `copy` (Rust's copy) instead:
 *
 * - a `copy` or `cut` event whose selection touches the element, or that is aimed at it
 *   (Ctrl+C, Cmd+C, Ctrl+Insert, the Edit menu, the context menu's Copy after select-all), is
 *   cancelled with nothing written to its `clipboardData`, and `copy` runs;
 * - dragging a selection that touches it is cancelled (a drop would skip the clipboard);
 * - its own context menu is not offered (the Copy button next to it is the way to copy).
 *
 * The element itself should not be selectable (`user-select: none`); this guard is what holds
 * when a selection includes it anyway. Listeners are removed when the attachment is.
 */
import type { Attachment } from "svelte/attachments";

/** Whether the page's selection, or the event's target, includes `node`. */
function touches(node: HTMLElement, event: Event): boolean {
  if (event.target instanceof Node && node.contains(event.target)) return true;
  const selection = node.ownerDocument.getSelection();
  if (!selection) return false;
  for (let i = 0; i < selection.rangeCount; i += 1) {
    if (selection.getRangeAt(i).intersectsNode(node)) return true;
  }
  return false;
}

/** An attachment for the element that shows a secret; `copy` is the Rust copy to run instead. */
export function copyGuard(copy: () => void): Attachment<HTMLElement> {
  return (node) => {
    const doc = node.ownerDocument;
    const onclipboard = (event: Event) => {
      if (!touches(node, event)) return;
      event.preventDefault();
      copy();
    };
    const ondragstart = (event: Event) => {
      if (touches(node, event)) event.preventDefault();
    };
    const oncontextmenu = (event: Event) => event.preventDefault();
    // Captured on the document: the event of a page-wide selection starts outside the element.
    doc.addEventListener("copy", onclipboard, true);
    doc.addEventListener("cut", onclipboard, true);
    doc.addEventListener("dragstart", ondragstart, true);
    node.addEventListener("contextmenu", oncontextmenu);
    return () => {
      doc.removeEventListener("copy", onclipboard, true);
      doc.removeEventListener("cut", onclipboard, true);
      doc.removeEventListener("dragstart", ondragstart, true);
      node.removeEventListener("contextmenu", oncontextmenu);
    };
  };
}
