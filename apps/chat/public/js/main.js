// @ts-check
// Page wiring: DOM events in, rendering out. The chat logic itself lives in chat.js.

import { AskDialog } from './ask-dialog.js';
import { Uploader } from './attachments.js';
import { AuthDialog } from './auth-dialog.js';
import { AwayTracker } from './away.js';
import { Chat } from './chat.js';
import { ChromeView } from './chrome-view.js';
import { ComposerMode } from './composer-mode.js';
import { MentionSuggest } from './mentions.js';
import { MessageActions } from './message-actions.js';
import { MessageDecor, reveal } from './message-decor.js';
import { MessageView } from './message-view.js';
import { Notifier } from './notifications.js';
import { PasswordDialog } from './password-dialog.js';
import { MAX_MESSAGE_LENGTH, messageLength, normalizeRoomName, roomNameProblem } from './rules.js';
import { SearchPanel } from './search.js';

/** @typedef {import('../../src/store/types.js').ChatMessage} ChatMessage */
/** @typedef {import('../../src/store/types.js').User} User */
/** @typedef {import('./chrome-view.js').ToastKind} ToastKind */
/** @typedef {import('./message-view.js').ShownMessage} ShownMessage */

/**
 * The page's elements, all in index.html.
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const app = $('app');
const input = /** @type {HTMLTextAreaElement} */ ($('input'));
const sendButton = /** @type {HTMLButtonElement} */ ($('send'));
const counter = $('counter');

const messageView = new MessageView({
  onNearTop: () => chat.loadOlder(),
  /** @param {string} clientId */
  onRetry: (clientId) => chat.retry(clientId),
  /** @param {string} clientId */
  onDiscard: (clientId) => chat.discard(clientId),
  /** @param {string} name */
  titleOf: (name) => chat.labelOf(name).slice(0, 2).join(''),
  /**
   * @param {HTMLElement} node
   * @param {ShownMessage} message
   * @param {boolean} own
   */
  decorate: (node, message, own) => messageDecor.decorate(node, message, own),
});
const chrome = new ChromeView({
  onOpenRoom: (name) => {
    closeDrawer();
    chat.openRoom(name);
    input.focus({ preventScroll: true });
  },
  onOpenDm: async (username) => {
    try {
      await chat.openDm(username);
      closeDrawer();
      input.focus({ preventScroll: true });
    } catch (err) {
      chrome.toast(err instanceof Error ? err.message : String(err), 'error');
    }
  },
});

/**
 * How a room is named on the page: '#name', or '@other' for a DM.
 * @param {string} name
 */
const labelOf = (name) => chat.labelOf(name);

/**
 * What chat.js calls to draw.
 * @type {import('./chat.js').ChatView}
 */
const view = {
  messages(room, how = 'append', toBottom = false) {
    messageView.render(room, chat.outbox.forRoom(room.name), chat.userId, toBottom ? 'reset' : how);
  },
  room(room, how) {
    composerMode.syncRoom(room.name);
    chrome.renderRoomHeader(room, labelOf, chat.readState.total());
    chrome.renderPeople(room, chat.nick);
    view.rooms();
    view.messages(room, how);
    messageView.renderTyping(room, chat.nick);
  },
  rooms() {
    chrome.renderRooms(chat.roomNames, chat.rooms, chat.active, chat.joined, labelOf, (name) =>
      chat.readState.of(name),
    );
    chrome.renderRoomHeader(chat.activeRoom, labelOf, chat.readState.total());
    renderMuteButton();
    const info = chat.roomInfo.get(chat.active);
    chrome.renderRoomActions(chat.activeRoom, info, info?.ownerId === chat.userId);
    $('remove-button').hidden = !messageActions.moderatesActive;
  },
  /** A message changed (edited, deleted, reacted to). */
  changed(message) {
    composerMode.syncMessage(message);
  },
  people(room) {
    chrome.renderPeople(room, chat.nick);
  },
  typing(room) {
    messageView.renderTyping(room, chat.nick);
  },
  status(status, queued) {
    chrome.setStatus(status, queued);
  },
  toast(message, kind) {
    chrome.toast(message, kind);
  },
  /** The session is gone (signed out here, in another tab, or expired): back to the sign-in screen. */
  signedOut(message) {
    chat.stop();
    authDialog.open(message);
  },
};

const chat = new Chat(view);
/**
 * A toast for the page modules that report on their own (search; uploads report on their own cards).
 * @param {string} message
 * @param {ToastKind} [kind]
 */
const toast = (message, kind) => chrome.toast(message, kind);
new SearchPanel({ chat, toast });
new Uploader({ chat });

// ------------------------------------------------------------------ message actions

const messageActions = new MessageActions(chat);
const ask = new AskDialog();
/** @param {unknown} err */
const showError = (err) => chrome.toast(err instanceof Error ? err.message : String(err), 'error');
const messageDecor = new MessageDecor({
  myName: () => chat.nick,
  moderates: () => messageActions.moderatesActive,
  /**
   * @param {number} id
   * @param {string} emoji
   * @param {boolean} on
   */
  onReact: (id, emoji, on) =>
    messageActions
      .react(id, emoji, on)
      // The message was drawn anew with its reaction: the picker that had the focus is gone.
      .then(() => refocus(`#message-list .msg[data-id="${id}"] .action-react`))
      .catch(showError),
  /** @param {ChatMessage} message */
  onReply: (message) => composerMode.replyTo(message),
  /** @param {ChatMessage} message */
  onEdit: (message) => composerMode.edit(message),
  /** @param {ChatMessage} message */
  onDelete: async (message) => {
    const own = message.userId === chat.userId;
    const deleted = await ask.open({
      title: own ? 'Delete this message?' : `Delete this message by @${message.nick}?`,
      text: `${own ? 'It is removed' : 'As the room owner, you remove it'} for everyone in the room${message.attachment ? ', with its file' : ''}.`,
      action: 'Delete',
      danger: true,
      run: () => messageActions.delete(message.id),
    });
    // The placeholder has no actions left to hold the focus: the composer takes it (on a phone,
    // that would open the keyboard, so not there).
    if (deleted && !phone.matches) refocus('#input');
  },
  /** @param {number} id */
  onJump: async (id) => {
    if (reveal(id)) return;
    try {
      const found = await messageActions.loadUntil(id);
      if (!found || !reveal(id)) chrome.toast('The original message is no longer in the history.', 'error');
    } catch (err) {
      showError(err);
    }
  },
});
const composerMode = new ComposerMode(input, {
  activeRoom: () => chat.active,
  sendReply: (text, replyTo) => chat.send(text, replyTo),
  saveEdit: (id, text) => messageActions.edit(id, text),
  onError: (message) => chrome.toast(message, 'error'),
  onInputChanged: () => updateComposer(),
});
$('remove-button').addEventListener('click', () => {
  const room = chat.active;
  void ask.open({
    title: `Remove a member from #${room}`,
    text: 'They leave the room at once, on every device, and can come back only if you invite them again.',
    action: 'Remove',
    danger: true,
    field: { label: 'Username', placeholder: 'a member of this room', suggestions: membersOf(room) },
    run: async (value) => {
      const { username } = await messageActions.removeMember(value.replace(/^@/, ''));
      noteMember(room, username, false);
      chrome.toast(`@${username} was removed from #${room}.`);
    },
  });
});

/**
 * The room's members other than me, for the Remove dialog's suggestions: the server's list (every
 * member, read with the room list on each connect, so complete after a reload), kept in step with
 * this page's invites and removals, plus whoever is in the room now (invited from another tab since).
 * Not the authors of its messages: they may have left or been removed.
 * @param {string} room
 */
function membersOf(room) {
  const names = new Set(chat.roomInfo.get(room)?.members ?? []);
  for (const name of chat.rooms.get(room)?.users ?? []) names.add(name);
  names.delete(chat.nick);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/**
 * Keeps the page's list of a private room's members in step with what its owner did here.
 * @param {string} room
 * @param {string} username
 * @param {boolean} member
 */
function noteMember(room, username, member) {
  const info = chat.roomInfo.get(room);
  if (!info) return;
  const members = new Set(info.members ?? []);
  if (member) members.add(username);
  else members.delete(username);
  info.members = [...members];
}

/**
 * People this page has seen (in any room's people list or messages) who are not members of `room`
 * yet, for the Invite dialog's suggestions.
 * @param {string} room
 */
function inviteCandidates(room) {
  const members = new Set(chat.roomInfo.get(room)?.members ?? []);
  const names = new Set();
  for (const state of chat.rooms.values()) {
    for (const name of state.users) names.add(name);
    for (const message of /** @type {ChatMessage[]} */ (state.ordered()))
      if (message.username) names.add(message.username);
  }
  return [...names].filter((name) => name !== chat.nick && !members.has(name)).sort((a, b) => a.localeCompare(b));
}

/**
 * Focuses `selector` if an action left the focus nowhere (its element was drawn anew or removed);
 * a focus the person moved meanwhile stays where it is.
 * @param {string} selector
 */
function refocus(selector) {
  if (document.activeElement !== null && document.activeElement !== document.body) return;
  /** @type {HTMLElement | null} */ (document.querySelector(selector))?.focus({ preventScroll: true });
}

// ------------------------------------------------------------------ account

const authDialog = new AuthDialog({ onSignedIn: signedIn });

/** @param {User} user */
function signedIn(user) {
  messageView.myName = user.username;
  chrome.renderMe(user.username);
  chat.start(user);
  input.focus({ preventScroll: true });
}

const passwordDialog = new PasswordDialog({
  onChanged: () => chrome.toast('Password changed. Other sessions were signed out.'),
});
$('change-password').addEventListener('click', () => passwordDialog.open(messageView.myName));

$('sign-out').addEventListener('click', async () => {
  try {
    await fetch('/api/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  } catch {
    // Offline: the cookie still goes; the server-side session ends at its expiry or the next sign-out.
  }
  // Nothing of this user may be sent under the next one: drop the queue, then start from a clean page.
  chat.outbox.clear();
  location.reload();
});

// ------------------------------------------------------------------ room actions

/**
 * Leaving a private room cannot be undone by the person who leaves (only its owner invites, and an
 * owner who leaves is no member any more): ask first. Public rooms and DMs can be opened again.
 */
function confirmLeave() {
  const info = chat.roomInfo.get(chat.active);
  if (info?.kind !== 'private') return Promise.resolve(true);
  const dialog = /** @type {HTMLDialogElement} */ ($('leave-dialog'));
  $('leave-title').textContent = `Leave #${chat.active}?`;
  $('leave-text').textContent =
    info.ownerId === chat.userId
      ? 'This private room is yours, but once you leave, no one can invite you back.'
      : 'This room is private: you can come back only if its owner invites you again.';
  dialog.returnValue = '';
  dialog.showModal();
  // Escape closes it too, with no value: staying is the answer unless "Leave room" was chosen.
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'leave'), { once: true }),
  );
}

$('leave-button').addEventListener('click', async () => {
  if (!(await confirmLeave())) return;
  try {
    await chat.leaveActive();
  } catch (err) {
    chrome.toast(err instanceof Error ? err.message : String(err), 'error');
  }
});
$('invite-button').addEventListener('click', () => {
  const room = chat.active;
  void ask.open({
    title: `Invite to #${room}`,
    text: 'This room is private: only the people you invite can read and join it.',
    action: 'Invite',
    field: { label: 'Username', placeholder: 'e.g. ada', suggestions: inviteCandidates(room) },
    run: async (value) => {
      const username = value.replace(/^@/, '');
      noteMember(room, (await chat.invite(username)).username, true);
      chrome.toast(`@${username} can now join #${room}.`);
    },
  });
});

// ------------------------------------------------------------------ composer

function updateComposer() {
  const length = messageLength(input.value);
  const over = length > MAX_MESSAGE_LENGTH;
  sendButton.disabled = input.value.trim() === '' || over;
  counter.hidden = length < MAX_MESSAGE_LENGTH - 200;
  counter.textContent = over ? `${length - MAX_MESSAGE_LENGTH} over` : String(MAX_MESSAGE_LENGTH - length);
  counter.classList.toggle('over', over);
  // Grow with the text up to the CSS max-height.
  input.style.height = 'auto';
  input.style.height = `${input.scrollHeight}px`;
}

function submitMessage() {
  const text = input.value;
  if (text.trim() === '') return;
  if (messageLength(text) > MAX_MESSAGE_LENGTH) {
    chrome.toast(`Messages are limited to ${MAX_MESSAGE_LENGTH.toLocaleString()} characters.`, 'error');
    return;
  }
  input.value = '';
  updateComposer();
  if (!composerMode.submit(text)) chat.send(text);
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  submitMessage();
  input.focus();
});
input.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter starts a new line; never while an IME composes a character.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitMessage();
  }
  // Up in an empty composer edits my latest message here, as in most team chats (Escape cancels).
  const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing;
  if (event.key === 'ArrowUp' && plain && input.value === '') {
    const latest = lastEditable();
    if (!latest) return;
    event.preventDefault();
    composerMode.edit(latest);
  }
});

/** My latest message in the room on screen that still has text to edit, if any. */
function lastEditable() {
  const messages = /** @type {(ChatMessage | undefined)[]} */ (chat.activeRoom.ordered());
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.userId === chat.userId && message.deletedAt === undefined && message.text !== '') return message;
  }
  return undefined;
}
input.addEventListener('input', () => {
  updateComposer();
  if (input.value.trim() !== '') chat.typing();
});

// ------------------------------------------------------------------ rooms

const newRoomForm = /** @type {HTMLFormElement} */ ($('new-room-form'));
const newRoomName = /** @type {HTMLInputElement} */ ($('new-room-name'));
const newRoomError = $('new-room-error');

$('new-room-toggle').addEventListener('click', () => {
  newRoomForm.hidden = !newRoomForm.hidden;
  newRoomError.textContent = '';
  if (!newRoomForm.hidden) newRoomName.focus();
});
newRoomName.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  // Closes the form alone (not the phone drawer around it), and keeps the focus where it was opened.
  event.stopPropagation();
  newRoomForm.hidden = true;
  $('new-room-toggle').focus({ preventScroll: true });
});
newRoomName.addEventListener('input', () => {
  newRoomError.textContent = '';
});
newRoomForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = normalizeRoomName(newRoomName.value);
  const problem = roomNameProblem(name);
  if (problem) {
    newRoomError.textContent = problem;
    return;
  }
  if (chat.status !== 'connected') {
    newRoomError.textContent = 'Rooms can be created once the connection is back.';
    return;
  }
  try {
    const isPrivate = /** @type {HTMLInputElement} */ ($('new-room-private'));
    await chat.createRoom(name, isPrivate.checked);
    isPrivate.checked = false;
    newRoomName.value = '';
    newRoomForm.hidden = true;
    closeDrawer();
    input.focus();
  } catch (err) {
    newRoomError.textContent = err instanceof Error ? err.message : String(err);
  }
});

// ------------------------------------------------------------------ phone drawer

// On a phone the sidebar is an off-screen drawer: while closed it must be out of the tab order (and
// of the accessibility tree), or Tab walks into buttons no one can see. While open it covers the
// chat, which is then out of reach the same way, so Tab stays in the drawer.
const phone = window.matchMedia('(max-width: 760px)');
const sidebar = $('sidebar');
const chatPane = /** @type {HTMLElement} */ (document.querySelector('main.chat'));

function syncDrawerInert() {
  const open = app.classList.contains('drawer-open');
  sidebar.inert = phone.matches && !open;
  chatPane.inert = phone.matches && open;
}

function closeDrawer() {
  const wasOpen = app.classList.contains('drawer-open');
  app.classList.remove('drawer-open');
  $('scrim').hidden = true;
  syncDrawerInert();
  if (wasOpen && phone.matches) $('menu-button').focus({ preventScroll: true });
}
$('menu-button').addEventListener('click', () => {
  app.classList.add('drawer-open');
  $('scrim').hidden = false;
  syncDrawerInert();
  $('sidebar-close').focus({ preventScroll: true });
});
$('scrim').addEventListener('click', closeDrawer);
$('sidebar-close').addEventListener('click', closeDrawer);
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && app.classList.contains('drawer-open')) closeDrawer();
});
phone.addEventListener('change', syncDrawerInert);
syncDrawerInert();

// The search panel opens under the top bar, which takes a second row when a room's actions do not
// fit beside its name: the panel follows the bar's height instead of covering that row.
const topbar = /** @type {HTMLElement} */ (document.querySelector('.topbar'));
new ResizeObserver(() => chatPane.style.setProperty('--topbar-height', `${topbar.offsetHeight}px`)).observe(topbar);

// Back to a hidden tab: what is on screen now counts as read.
document.addEventListener('visibilitychange', () => chat.readState.seen(chat.activeRoom));

// ------------------------------------------------------------------ mentions, notifications, away, mute

new MentionSuggest({
  input,
  list: $('mention-suggest'),
  form: $('composer'),
  // The room's people online first, then everyone seen writing in it or sharing the DM.
  candidates: () => {
    const room = chat.activeRoom;
    const names = new Set(room.users);
    const messages = /** @type {ChatMessage[]} */ (room.ordered());
    for (const message of messages) if (message.username) names.add(message.username);
    for (const member of chat.roomInfo.get(room.name)?.members ?? []) names.add(member);
    names.delete(chat.nick);
    return [...names];
  },
});

const notifier = new Notifier({
  button: /** @type {HTMLButtonElement} */ ($('notify-button')),
  myId: () => chat.userId,
  myName: () => chat.nick,
  muted: (room) => chat.readState.of(room).muted,
  isDm: (room) => chat.roomInfo.get(room)?.kind === 'dm',
  label: (room) => chat.labelOf(room).slice(0, 2).join(''),
  open: (room) => chrome.onOpenRoom(room),
});
const away = new AwayTracker();
chat.socketHooks.push(
  (socket) => notifier.listen(socket),
  (socket) => away.listen(socket),
);

const muteButton = $('mute-button');
function renderMuteButton() {
  const muted = chat.readState.of(chat.active).muted;
  muteButton.textContent = muted ? 'Unmute' : 'Mute';
  muteButton.setAttribute('aria-pressed', String(muted));
  muteButton.title = muted
    ? 'Show unread counts and notify me again'
    : 'No unread count or notifications for this room';
}
muteButton.addEventListener('click', async () => {
  try {
    await chat.readState.setMuted(chat.active, !chat.readState.of(chat.active).muted);
  } catch (err) {
    chrome.toast(err instanceof Error ? err.message : String(err), 'error');
  }
});

// ------------------------------------------------------------------ start

view.room(chat.activeRoom, 'reset');
view.status('connecting', chat.outbox.queuedCount);
updateComposer();
fetch('/api/me', { headers: { Accept: 'application/json' } })
  .then(async (res) => (res.ok ? (await res.json()).user : null))
  .catch(() => null)
  .then((user) => {
    if (user) signedIn(user);
    else authDialog.open();
  });
