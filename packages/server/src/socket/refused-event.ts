/**
 * An incoming event that a `socket.use` middleware refused at once. It waits in phase 2 of its
 * batch (see connection/inbox.ts) as an event that passed would, so the socket's `error`
 * listeners hear of the refusal in arrival order, after the listeners of the events before it,
 * as in socket.io. Reporting it on the spot put the error ahead of those earlier events.
 */
export class RefusedEvent {
  constructor(readonly error: Error) {}
}
