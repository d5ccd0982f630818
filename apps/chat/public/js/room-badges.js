// @ts-check
// What a room's entry in the list shows of its unread state: a count of unread messages, a
// separate "@" badge for mentions of me, and for a muted room a quiet bell-off mark instead of the
// count (mentions in a muted room are still shown, as they are still counted).
import { el } from './util.js';

const NS = 'http://www.w3.org/2000/svg';
const BELL_OFF = [
  'M9 17h10l-1.5-2V10a5.5 5.5 0 0 0-8.2-4.8',
  'M6.5 8.5V15L5 17h4',
  'M10 20a2 2 0 0 0 4 0',
  'M3 3l18 18',
];

/** A bell with a slash, built through the DOM (the page's policy allows no inline markup). */
export function bellOffIcon() {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of BELL_OFF) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** @param {number} n */
function count(n) {
  return n > 99 ? '99+' : String(n);
}

/**
 * Badges for one room entry (`item` gets state classes); none for the room on screen.
 * @param {HTMLElement} item
 * @param {{ unread: number, mentions: number, muted: boolean } | undefined} read
 * @param {boolean} active
 */
export function roomBadges(item, read, active) {
  if (!read) return [];
  item.classList.toggle('muted', read.muted);
  const nodes = [];
  if (read.muted) {
    const mark = el('span', 'muted-mark');
    mark.title = 'Muted';
    mark.setAttribute('aria-label', 'Muted');
    mark.append(bellOffIcon());
    nodes.push(mark);
  }
  if (active) return nodes;
  if (read.mentions > 0) {
    const badge = el('span', 'badge mention-badge', `@${count(read.mentions)}`);
    badge.title = read.mentions === 1 ? '1 mention of you' : `${read.mentions} mentions of you`;
    nodes.push(badge);
  }
  if (!read.muted && read.unread > 0) {
    const badge = el('span', 'badge unread-badge', count(read.unread));
    badge.title = `${read.unread} unread`;
    nodes.push(badge);
  }
  return nodes;
}
