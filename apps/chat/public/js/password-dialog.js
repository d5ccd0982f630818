// @ts-check
// Change password: the sidebar's button opens this dialog (index.html #password-dialog), which
// POSTs /api/password. The server ends every other session of the account (other browsers and
// devices are signed out); this one keeps its cookie and its socket.
//
// Like the page's other dialogs: Enter submits, Escape and Cancel close it with nothing changed, a
// refusal stays in view next to the field to correct, and the focus goes back to the button that
// opened it.

/** Mirrors the server's rule for a new password (the server still checks). */
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 200;

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export class PasswordDialog {
  #dialog = /** @type {HTMLDialogElement} */ ($('password-dialog'));
  #username = /** @type {HTMLInputElement} */ ($('password-username'));
  #current = /** @type {HTMLInputElement} */ ($('password-current'));
  #next = /** @type {HTMLInputElement} */ ($('password-new'));
  #error = $('password-error');
  #submit = /** @type {HTMLButtonElement} */ ($('password-submit'));
  /** @type {HTMLElement | null} */
  #opener = null;
  /** @type {() => void} */
  #onChanged;

  /**
   * @param {object} deps
   * @param {() => void} deps.onChanged  the server took the new password
   */
  constructor({ onChanged }) {
    this.#onChanged = onChanged;
    $('password-cancel').addEventListener('click', () => this.#dialog.close());
    $('password-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#send();
    });
    for (const field of [this.#current, this.#next]) {
      field.addEventListener('input', () => {
        this.#error.textContent = '';
      });
    }
    // Escape (the dialog's cancel), Cancel and a change all end here.
    this.#dialog.addEventListener('close', () => {
      // Typed passwords do not linger in the page once the dialog is gone.
      this.#current.value = '';
      this.#next.value = '';
      const opener = this.#opener;
      this.#opener = null;
      if (opener?.isConnected) opener.focus({ preventScroll: true });
      if (this.#dialog.returnValue === 'changed') this.#onChanged();
    });
  }

  /**
   * Opens the dialog for the signed-in account.
   * @param {string} username  for the browser's password manager, which files the new password under it
   */
  open(username) {
    if (this.#dialog.open) return;
    this.#opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.#username.value = username;
    this.#current.value = '';
    this.#next.value = '';
    this.#error.textContent = '';
    this.#submit.disabled = false;
    this.#dialog.returnValue = '';
    this.#dialog.showModal();
    this.#current.focus();
  }

  async #send() {
    if (this.#submit.disabled) return;
    const currentPassword = this.#current.value;
    const newPassword = this.#next.value;
    const problem = problemOf(currentPassword, newPassword);
    if (problem) {
      this.#refuse(problem.message, problem.field === 'current' ? this.#current : this.#next);
      return;
    }
    this.#submit.disabled = true;
    try {
      const res = await fetch('/api/password', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ currentPassword, newPassword }),
      });
      if (res.ok) {
        this.#dialog.close('changed');
        return;
      }
      const body = await res.json().catch(() => ({}));
      const code = body?.error?.code;
      const message = body?.error?.message ?? `The server answered ${res.status}. Please try again.`;
      this.#refuse(message, code === 'INVALID_PASSWORD' ? this.#next : this.#current);
    } catch {
      this.#refuse('The chat cannot be reached. Check your connection and try again.', this.#current);
    } finally {
      this.#submit.disabled = false;
    }
  }

  /**
   * Shows why, and selects the field to correct.
   * @param {string} message
   * @param {HTMLInputElement} field
   */
  #refuse(message, field) {
    if (!this.#dialog.open) return;
    this.#error.textContent = message;
    field.focus();
    field.select();
  }
}

/**
 * @param {string} currentPassword
 * @param {string} newPassword
 * @returns {{ field: 'current' | 'new', message: string } | null}  what is wrong with the form, if anything
 */
function problemOf(currentPassword, newPassword) {
  if (currentPassword === '') return { field: 'current', message: 'Enter your current password.' };
  if (newPassword.length < MIN_PASSWORD || newPassword.length > MAX_PASSWORD) {
    return { field: 'new', message: `A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters.` };
  }
  return null;
}
