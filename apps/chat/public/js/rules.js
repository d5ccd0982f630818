// The server's input rules, mirrored so the page can say what is wrong before sending.
// The server still checks everything; these only save a round trip.

export const MAX_MESSAGE_LENGTH = 2000;
const ROOM_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function normalizeRoomName(value) {
  return value.trim().replace(/^#/, '').toLowerCase().replace(/\s+/g, '-');
}

export function roomNameProblem(name) {
  if (name.length === 0) return 'Type a name for the room.';
  if (name.length > 32 || !ROOM_NAME.test(name)) {
    return 'Use lowercase letters, digits, "-" or "_" (up to 32), starting with a letter or digit.';
  }
  return null;
}

export function messageLength(text) {
  return [...text].length;
}
