// Small DOM helpers of the web chat page. User text only ever reaches the page through
// textContent and attribute values, never through markup.

/** An element with properties, attributes (`data-*`, `aria-*`, `role`, `type`, ...) and children. */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || ATTRIBUTES.has(key)) {
      node.setAttribute(key, value === true ? 'true' : String(value));
    } else node[key] = value;
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

const ATTRIBUTES = new Set(['role', 'type', 'tabindex', 'title', 'download', 'rel', 'target', 'alt', 'for']);

/**
 * Puts exactly these nodes, in this order, into the container, moving only those out of place.
 * Nodes are reused between renders, so keyboard focus stays put.
 */
export function reconcile(container, nodes) {
  nodes.forEach((node, i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] || null);
  });
  while (container.children.length > nodes.length) container.lastElementChild.remove();
}

/** Reuses the cached node for the key when its content is unchanged, else builds it anew. */
export function keyed(cache, key, signature, build) {
  const cached = cache.get(key);
  if (cached && cached.signature === signature) return cached.node;
  const node = build(cached && cached.node);
  const focused = document.activeElement;
  if (cached && cached.node !== node && focused && cached.node.contains(focused)) {
    // Rebuilt while focused (a reaction toggled by keyboard): the same control of the new node gets the focus.
    const { action, emoji } = focused.dataset || {};
    const selector = action ? `[data-action="${action}"]${emoji ? `[data-emoji="${CSS.escape(emoji)}"]` : ''}` : null;
    queueMicrotask(() => {
      const target = (selector && node.querySelector(selector)) || node;
      if (target.isConnected) target.focus({ preventScroll: true });
    });
  }
  cache.set(key, { node, signature });
  return node;
}

export function prune(cache, keep) {
  for (const key of cache.keys()) if (!keep.has(key)) cache.delete(key);
}

export function dayKey(epochMs) {
  return new Date(epochMs).toDateString();
}

export function formatDay(epochMs) {
  const date = new Date(epochMs);
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === today.toDateString()) return 'Today';
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

export function formatTime(epochMs) {
  const date = new Date(epochMs);
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
