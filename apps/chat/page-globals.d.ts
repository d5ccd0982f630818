// What the page finds on `window` besides the DOM: `io`, set by the client bundle that index.html
// loads from /socket.io/socket.io.js before the page's modules, typed with the chat's event maps.
declare const io: (
  options?: Parameters<typeof import('@parley/client').io>[0],
) => import('@parley/client').Socket<
  import('./src/chat/events.js').ServerToClientEvents,
  import('./src/chat/events.js').ClientToServerEvents
>;
