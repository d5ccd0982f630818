// @ts-check
// Images and files: drawing a message's attachment, and sending files (file button, drag and drop,
// paste) as acknowledged binary chunks over the socket (src/uploads/uploads.ts). Each chunk waits
// for the server's ack before the next goes, so the bytes acknowledged are the progress shown, and
// no packet comes near the server's request size cap.
import { RequestError } from './request.js';
import { el, newClientId } from './util.js';

/** Shown inline; anything else is a download (the server decided the type from the bytes). */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** @typedef {import('../../src/store/types.js').Attachment} Attachment */

/**
 * What the uploader needs of the chat: the open room, and requests to the server.
 * @typedef {object} UploaderChat
 * @property {string} active  the open room's name
 * @property {(event: string, ...args: unknown[]) => Promise<any>} request  see request.js
 * @property {() => Promise<void>} whenSynced  resolves once the rooms are joined after a connect
 * @property {boolean} synced  whether the socket is connected and its rooms joined
 */

/**
 * One file's progress row (see `#itemFor`).
 * @typedef {object} UploadItem
 * @property {boolean} cancelled  true once the user cancelled it (or it failed)
 * @property {(received: number) => void} progress  bytes the server acknowledged so far
 * @property {() => void} waiting  shown while offline (or the rooms are being joined again)
 * @property {() => void} finishing
 * @property {(message: string) => void} failed
 * @property {() => void} remove
 */

/** @param {string} id */
const $ = (id) => document.getElementById(id);

/** @param {Attachment} attachment */
export function fileUrl(attachment) {
  return `/files/${attachment.id}/${encodeURIComponent(attachment.name)}`;
}

/**
 * The attachment of a message: an image (opening full size in a new tab) or a file to download.
 * @param {Attachment} attachment
 */
export function attachmentNode(attachment) {
  const url = fileUrl(attachment);
  if (INLINE_TYPES.has(attachment.type)) {
    const link = el('a', 'attachment-image');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    const img = el('img');
    img.src = url;
    img.alt = attachment.name;
    img.loading = 'lazy';
    img.decoding = 'async';
    // The size known up front reserves the space, so the list does not jump when the image loads.
    const { width = 0, height = 0 } = attachment;
    if (width > 0 && height > 0) {
      img.width = width;
      img.height = height;
    }
    link.append(img);
    return link;
  }
  const link = el('a', 'attachment-file');
  link.href = url;
  link.download = attachment.name;
  link.rel = 'noopener noreferrer';
  const icon = el('span', 'file-icon');
  icon.setAttribute('aria-hidden', 'true');
  const label = el('span', 'file-label');
  label.append(
    el('span', 'file-name', attachment.name),
    el('span', 'file-size', `${sizeText(attachment.size)} · Download`),
  );
  link.append(icon, label);
  return link;
}

/** @param {number} bytes */
export function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

export class Uploader {
  #list = /** @type {HTMLElement} */ ($('uploads'));
  #chat;
  /** Files go one after another, in the order they were given. */
  #queue = Promise.resolve();

  /**
   * @param {object} deps
   * @param {UploaderChat} deps.chat
   */
  constructor({ chat }) {
    this.#chat = chat;
    const picker = /** @type {HTMLInputElement} */ ($('attach-input'));
    /** @type {HTMLElement} */ ($('attach')).addEventListener('click', () => picker.click());
    picker.addEventListener('change', () => {
      this.sendFiles([.../** @type {FileList} */ (picker.files)]);
      picker.value = '';
    });
    /** @type {HTMLElement} */ ($('input')).addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      this.sendFiles(files);
    });
    this.#acceptDrops(/** @type {HTMLElement} */ (document.querySelector('.chat')));
  }

  /** @param {File[]} files */
  sendFiles(files) {
    const room = this.#chat.active;
    for (const file of files) {
      const item = this.#itemFor(file);
      this.#queue = this.#queue.then(() => this.#send(file, room, item));
    }
  }

  /** @param {HTMLElement} area */
  #acceptDrops(area) {
    // dragenter/dragleave fire for every child crossed: count them to know when the drag left the area.
    let depth = 0;
    const carriesFiles = (/** @type {DragEvent} */ event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
    area.addEventListener('dragenter', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth++;
      area.classList.add('dropping');
    });
    area.addEventListener('dragover', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      // carriesFiles: the event has its data transfer.
      /** @type {DataTransfer} */ (event.dataTransfer).dropEffect = 'copy';
    });
    area.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) area.classList.remove('dropping');
    });
    area.addEventListener('drop', (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth = 0;
      area.classList.remove('dropping');
      this.sendFiles([.../** @type {DataTransfer} */ (event.dataTransfer).files]);
    });
  }

  /**
   * @param {File} file
   * @param {string} room
   * @param {UploadItem} item
   */
  async #send(file, room, item) {
    let uploadId = null;
    try {
      // Offline, or right after a (re)connect, the room is not joined yet: the server would refuse
      // the file. It waits, like a message in the outbox, and can be cancelled meanwhile.
      if (!this.#chat.synced) item.waiting();
      await this.#chat.whenSynced();
      if (item.cancelled) {
        item.remove();
        return;
      }
      item.progress(0);
      const started = await this.#chat.request('upload:start', {
        room,
        name: file.name,
        size: file.size,
        clientId: newClientId(),
      });
      uploadId = started.uploadId;
      for (let offset = 0; offset < file.size && !item.cancelled; offset += started.chunkBytes) {
        const data = await file.slice(offset, offset + started.chunkBytes).arrayBuffer();
        const { received } = await this.#chat.request('upload:chunk', { uploadId, offset, data });
        item.progress(received);
      }
      if (item.cancelled) {
        await this.#chat.request('upload:cancel', { uploadId }).catch(() => {});
        item.remove();
        return;
      }
      item.finishing();
      await this.#chat.request('upload:finish', { uploadId });
      // The message itself arrives like any other (broadcast to the room, this tab included).
      item.remove();
    } catch (err) {
      const message = err instanceof RequestError || err instanceof Error ? err.message : String(err);
      // Said once, on the file's own card (which stays until dismissed), not again in a pop-up.
      item.failed(message);
    }
  }

  /**
   * The progress row of one file: name, bar, percentage, and cancel (or dismiss once failed).
   * @param {File} file
   * @returns {UploadItem}
   */
  #itemFor(file) {
    const node = el('li', 'upload');
    const name = el('span', 'upload-name', file.name || 'file');
    const bar = el('progress', 'upload-bar');
    bar.max = Math.max(file.size, 1);
    bar.value = 0;
    bar.setAttribute('aria-label', `Uploading ${file.name}`);
    const state = el('span', 'upload-state', `0% of ${sizeText(file.size)}`);
    const close = el('button', 'upload-close', 'Cancel');
    close.type = 'button';
    node.append(name, bar, state, close);
    this.#list.append(node);
    /** @type {UploadItem} */
    const item = {
      cancelled: false,
      progress: (received) => {
        bar.value = received;
        state.textContent = `${Math.floor((received / Math.max(file.size, 1)) * 100)}% of ${sizeText(file.size)}`;
      },
      waiting: () => {
        state.textContent = 'Waiting for the connection…';
      },
      finishing: () => {
        state.textContent = 'Sending…';
        close.hidden = true;
      },
      failed: (message) => {
        node.classList.add('failed');
        state.textContent = message;
        state.setAttribute('role', 'alert');
        close.textContent = 'Dismiss';
        close.hidden = false;
        item.cancelled = true;
      },
      remove: () => node.remove(),
    };
    close.addEventListener('click', () => {
      if (node.classList.contains('failed')) item.remove();
      else item.cancelled = true;
    });
    return item;
  }
}
