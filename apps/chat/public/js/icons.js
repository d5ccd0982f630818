// @ts-check
// Delivery marks as inline SVG built through the DOM (the page's policy allows no inline markup).
const NS = 'http://www.w3.org/2000/svg';

const PATHS = {
  queued: ['M12 7v5l3 2', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z'],
  sent: ['M5 12.5l4.5 4.5L19 7.5'],
  delivered: ['M2.5 12.5L7 17l9.5-9.5', 'M11 16l1 1 9.5-9.5'],
  failed: ['M12 8v5', 'M12 16.5v.01', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z'],
};

const TITLES = {
  queued: 'Waiting to send',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Not sent',
};

/** @param {'queued' | 'sent' | 'delivered' | 'failed'} state */
export function deliveryMark(state) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `mark-icon ${state}`);
  for (const d of PATHS[state]) {
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  const wrap = document.createElement('span');
  wrap.className = `mark ${state}`;
  wrap.title = TITLES[state];
  wrap.setAttribute('aria-label', TITLES[state]);
  wrap.append(svg);
  return wrap;
}
