// Page wiring: DOM events in, rendering out. The chat logic itself lives in chat.js.
import { Chat } from './chat.js';
import { ChromeView } from './chrome-view.js';
import { MessageView } from './message-view.js';
import {
  MAX_MESSAGE_LENGTH,
  messageLength,
  nicknameProblem,
  normalizeNickname,
  normalizeRoomName,
  roomNameProblem,
} from './rules.js';

const $ = (id) => document.getElementById(id);
const NICK_KEY = 'parley.nick';

const app = $('app');
const input = $('input');
const sendButton = $('send');
const counter = $('counter');
const dialog = $('nick-dialog');
const nickInput = $('nick-input');
const nickError = $('nick-error');

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
});

/** What chat.js calls to draw. */
const view = {
  messages(room, how = 'append', toBottom = false) {
    messageView.render(room, chat.outbox.forRoom(room.name), chat.nick, toBottom ? 'reset' : how);
  },
  room(room, how) {
    chrome.renderRoomHeader(room);
    chrome.renderPeople(room, chat.nick);
    view.rooms();
    view.messages(room, how);
    messageView.renderTyping(room, chat.nick);
  },
  rooms() {
    chrome.renderRooms(chat.roomNames, chat.rooms, chat.active, chat.joined);
    chrome.renderRoomHeader(chat.activeRoom);
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
  askNickname(current, error) {
    openNicknameDialog(current, error);
  },
};

const chat = new Chat(view);

// ------------------------------------------------------------------ nickname

function openNicknameDialog(current, error = '') {
  const first = !chat.nick;
  $('nick-title').textContent = first ? 'Welcome to Parley' : 'Change your nickname';
  $('nick-sub').textContent = first
    ? 'Pick a nickname to start chatting. It is remembered on this device.'
    : 'Everyone in your rooms will see the new name on your next messages.';
  $('nick-submit').textContent = first ? 'Start chatting' : 'Save';
  $('nick-cancel').hidden = first || Boolean(error);
  nickInput.value = current ?? '';
  nickError.textContent = error;
  if (!dialog.open) dialog.showModal();
  nickInput.focus();
  nickInput.select();
}

$('nick-form').addEventListener('submit', (event) => {
  const nick = normalizeNickname(nickInput.value);
  const problem = nicknameProblem(nick);
  if (problem) {
    event.preventDefault();
    nickError.textContent = problem;
    return;
  }
  localStorage.setItem(NICK_KEY, nick);
  chrome.renderMe(nick);
  if (nick !== chat.nick || chat.status !== 'connected') chat.start(nick);
});
// Escape must not leave a first-time visitor without a nickname.
dialog.addEventListener('cancel', (event) => {
  if (!chat.nick || nickError.textContent) event.preventDefault();
});
$('nick-cancel').addEventListener('click', () => dialog.close());
nickInput.addEventListener('input', () => {
  nickError.textContent = '';
});
$('me-button').addEventListener('click', () => openNicknameDialog(chat.nick));

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
    await chat.createRoom(name);
    newRoomName.value = '';
    newRoomForm.hidden = true;
    closeDrawer();
    input.focus();
  } catch (err) {
    newRoomError.textContent = err instanceof Error ? err.message : String(err);
  }
});

// ------------------------------------------------------------------ phone drawer

function closeDrawer() {
  app.classList.remove('drawer-open');
  $('scrim').hidden = true;
}
$('menu-button').addEventListener('click', () => {
  app.classList.add('drawer-open');
  $('scrim').hidden = false;
});
$('scrim').addEventListener('click', closeDrawer);
$('sidebar-close').addEventListener('click', closeDrawer);

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
const savedNick = normalizeNickname(localStorage.getItem(NICK_KEY) ?? '');
if (savedNick && !nicknameProblem(savedNick)) {
  chrome.renderMe(savedNick);
  chat.start(savedNick);
  input.focus({ preventScroll: true });
} else {
  openNicknameDialog('');
}
