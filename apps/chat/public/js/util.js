// @ts-check
// Small DOM and formatting helpers. User data only ever reaches the page through textContent.

/**
 * Creates an element with a class and, optionally, text (set as text, never parsed as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A stable hue per nickname, so each person keeps one colour everywhere.
 * @param {string} nick
 */
export function hueOf(nick) {
  let hash = 0;
  for (const ch of nick) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

/** @param {string} nick */
export function initialsOf(nick) {
  // "Ada Lovelace" -> "AL", "grace" -> "G".
  const words = nick.split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]].map((w) => [...w][0]) : [...nick].slice(0, 1);
  return letters.join('').toUpperCase();
}

/**
 * @param {string} nick
 * @param {string} [className]
 */
export function avatar(nick, className = 'avatar') {
  const node = el('span', className, initialsOf(nick));
  node.style.setProperty('--hue', String(hueOf(nick)));
  node.setAttribute('aria-hidden', 'true');
  return node;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const yearDayFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

/** @param {number} ts  milliseconds since the epoch */
export function formatTime(ts) {
  return timeFormat.format(ts);
}

/** @param {number} ts  milliseconds since the epoch */
export function formatFull(ts) {
  return fullFormat.format(ts);
}

/** @param {number} ts  milliseconds since the epoch */
export function dayKey(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** @param {number} ts  milliseconds since the epoch */
export function dayLabel(ts) {
  const key = dayKey(ts);
  const now = Date.now();
  if (key === dayKey(now)) return 'Today';
  if (key === dayKey(now - 86_400_000)) return 'Yesterday';
  return new Date(ts).getFullYear() === new Date(now).getFullYear() ? dayFormat.format(ts) : yearDayFormat.format(ts);
}

/** A random id for a message being sent: the server uses it to recognise a resend. */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads a JSON value from localStorage, tolerating a missing, blocked or corrupt entry.
 * @param {string} key
 * @param {unknown} fallback  returned when there is nothing (readable) stored
 * @returns {unknown}
 */
export function loadJson(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

/**
 * @param {string} key
 * @param {unknown} value
 */
export function saveJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: the chat still works, it just forgets on reload.
  }
}
