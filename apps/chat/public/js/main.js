// Page wiring: DOM events in, rendering out. The chat logic itself lives in chat.js.

import { Uploader } from './attachments.js';
import { AuthDialog } from './auth-dialog.js';
import { Chat } from './chat.js';
import { ChromeView } from './chrome-view.js';
import { MessageView } from './message-view.js';
import { MAX_MESSAGE_LENGTH, messageLength, normalizeRoomName, roomNameProblem } from './rules.js';
import { SearchPanel } from './search.js';

const $ = (id) => document.getElementById(id);

const app = $('app');
const input = $('input');
const sendButton = $('send');
const counter = $('counter');

const messageView = new MessageView({
  onNearTop: () => chat.loadOlder(),
  onRetry: (clientId) => chat.retry(clientId),
  onDiscard: (clientId) => chat.discard(clientId),
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

/** What chat.js calls to draw. */
const view = {
  messages(room, how = 'append', toBottom = false) {
    messageView.render(room, chat.outbox.forRoom(room.name), chat.userId, toBottom ? 'reset' : how);
  },
  room(room, how) {
    chrome.renderRoomHeader(room);
    chrome.renderPeople(room, chat.nick);
    view.rooms();
    view.messages(room, how);
    messageView.renderTyping(room, chat.nick);
  },
  rooms() {
    chrome.renderRooms(chat.roomNames, chat.rooms, chat.active, chat.joined, (name) => chat.labelOf(name));
    chrome.renderRoomHeader(chat.activeRoom);
    const info = chat.roomInfo.get(chat.active);
    chrome.renderRoomActions(chat.activeRoom, info, info?.ownerId === chat.userId);
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
new SearchPanel({ chat, toast: (message, kind) => chrome.toast(message, kind) });
new Uploader({ chat, toast: (message, kind) => chrome.toast(message, kind) });

// ------------------------------------------------------------------ account

const authDialog = new AuthDialog({ onSignedIn: signedIn });

function signedIn(user) {
  chrome.renderMe(user.username);
  chat.start(user);
  input.focus({ preventScroll: true });
}

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

$('leave-button').addEventListener('click', async () => {
  try {
    await chat.leaveActive();
  } catch (err) {
    chrome.toast(err instanceof Error ? err.message : String(err), 'error');
  }
});
$('invite-button').addEventListener('click', async () => {
  const username = window.prompt(`Invite to #${chat.active}: username`)?.trim();
  if (!username) return;
  try {
    await chat.invite(username);
    chrome.toast(`@${username} can now join #${chat.active}.`);
  } catch (err) {
    chrome.toast(err instanceof Error ? err.message : String(err), 'error');
  }
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
  chat.send(text);
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
});
input.addEventListener('input', () => {
  updateComposer();
  if (input.value.trim() !== '') chat.typing();
});

// ------------------------------------------------------------------ rooms

const newRoomForm = $('new-room-form');
const newRoomName = $('new-room-name');
const newRoomError = $('new-room-error');

$('new-room-toggle').addEventListener('click', () => {
  newRoomForm.hidden = !newRoomForm.hidden;
  newRoomError.textContent = '';
  if (!newRoomForm.hidden) newRoomName.focus();
});
newRoomName.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') newRoomForm.hidden = true;
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
    await chat.createRoom(name, $('new-room-private').checked);
    $('new-room-private').checked = false;
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
// of the accessibility tree), or Tab walks into buttons no one can see.
const phone = window.matchMedia('(max-width: 760px)');
const sidebar = $('sidebar');

function syncDrawerInert() {
  sidebar.inert = phone.matches && !app.classList.contains('drawer-open');
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

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && chat.activeRoom.unread > 0) {
    chat.activeRoom.unread = 0;
    view.rooms();
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
