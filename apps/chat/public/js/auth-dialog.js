// @ts-check
// The sign-in / sign-up screen. Talks to the account routes (POST /api/login, /api/signup); the
// session cookie they set is HttpOnly, so the page never sees the token itself.

/**
 * The dialog's elements, all in index.html.
 * @param {string} id
 */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** Mirrors the server's rule (the server still checks): ASCII only, so no look-alike names. */
const USERNAME = /^[A-Za-z0-9_.-]{2,24}$/;
const MIN_PASSWORD = 8;

/** @typedef {'signin' | 'signup'} AuthMode */

/** @type {Record<AuthMode, { title: string, sub: string, submit: string, other: string, route: string, autocomplete: AutoFill }>} */
const MODES = {
  signin: {
    title: 'Welcome back',
    sub: 'Sign in to chat.',
    submit: 'Sign in',
    other: 'Create an account',
    route: 'login',
    autocomplete: 'current-password',
  },
  signup: {
    title: 'Welcome to Parley',
    sub: 'Create an account: your @username is how others know you.',
    submit: 'Create account',
    other: 'I have an account',
    route: 'signup',
    autocomplete: 'new-password',
  },
};

export class AuthDialog {
  #dialog = /** @type {HTMLDialogElement} */ ($('auth-dialog'));
  #username = /** @type {HTMLInputElement} */ ($('auth-username'));
  #password = /** @type {HTMLInputElement} */ ($('auth-password'));
  #error = $('auth-error');
  #submit = /** @type {HTMLButtonElement} */ ($('auth-submit'));
  /** @type {AuthMode} */
  #mode = 'signin';
  /** @type {(user: import('../../src/store/types.js').User) => void} */
  #onSignedIn;

  /**
   * @param {object} deps
   * @param {(user: import('../../src/store/types.js').User) => void} deps.onSignedIn  the server accepted the account
   */
  constructor({ onSignedIn }) {
    this.#onSignedIn = onSignedIn;
    $('auth-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.#send();
    });
    $('auth-switch').addEventListener('click', () => {
      this.#setMode(this.#mode === 'signin' ? 'signup' : 'signin');
      this.#username.focus();
    });
    for (const field of [this.#username, this.#password]) {
      field.addEventListener('input', () => {
        this.#error.textContent = '';
      });
    }
    // Without an account there is nothing behind the dialog to go back to.
    this.#dialog.addEventListener('cancel', (event) => event.preventDefault());
  }

  open(message = '') {
    this.#setMode(this.#mode);
    this.#error.textContent = message;
    this.#password.value = '';
    if (!this.#dialog.open) this.#dialog.showModal();
    this.#username.focus();
  }

  /** @param {AuthMode} mode */
  #setMode(mode) {
    this.#mode = mode;
    const texts = MODES[mode];
    $('auth-title').textContent = texts.title;
    $('auth-sub').textContent = texts.sub;
    $('auth-hint').hidden = mode !== 'signup';
    this.#submit.textContent = texts.submit;
    $('auth-switch').textContent = texts.other;
    this.#password.autocomplete = texts.autocomplete;
    this.#error.textContent = '';
  }

  async #send() {
    const username = this.#username.value.trim();
    const password = this.#password.value;
    const problem = this.#problem(username, password);
    if (problem) {
      this.#error.textContent = problem;
      return;
    }
    this.#submit.disabled = true;
    try {
      const res = await fetch(`/api/${MODES[this.#mode].route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        this.#error.textContent = body?.error?.message ?? `The server answered ${res.status}. Please try again.`;
        return;
      }
      this.#dialog.close();
      this.#password.value = '';
      this.#onSignedIn(body.user);
    } catch {
      this.#error.textContent = 'The chat cannot be reached. Check your connection and try again.';
    } finally {
      this.#submit.disabled = false;
    }
  }

  /**
   * @param {string} username
   * @param {string} password
   * @returns {string | null}  what is wrong with the form, if anything
   */
  #problem(username, password) {
    if (username === '' || password === '') return 'Enter a username and a password.';
    if (this.#mode === 'signin') return null;
    if (!USERNAME.test(username)) {
      return 'A username is 2 to 24 characters: letters a-z, digits, ".", "-" or "_" (no accents or other scripts).';
    }
    if (password.length < MIN_PASSWORD) return `A password is at least ${MIN_PASSWORD} characters.`;
    return null;
  }
}
