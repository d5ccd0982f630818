// @ts-check
// The page's own confirm / prompt: one modal <dialog> (index.html #ask-dialog) for Invite, Remove
// member and Delete message, in place of window.prompt() and window.confirm(), which cannot be
// styled, suggest names, or stay open to show why an action failed.
//
// Enter confirms (the action is the form's only submit button), Escape and Cancel close it with
// nothing done, and the focus goes back to whatever had it before (the button that opened it).

/**
 * @typedef {object} AskOptions
 * @property {string} title
 * @property {string} [text]         a sentence under the title
 * @property {string} action         the confirm button's label ("Invite", "Delete")
 * @property {boolean} [danger]      the action destroys something: a red button
 * @property {{ label: string, placeholder?: string, suggestions?: string[] }} [field]  ask for a value
 * @property {(value: string) => Promise<void> | void} run  does the action; a throw is shown in the
 *   dialog, which stays open to correct the value or cancel
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

export class AskDialog {
  #dialog = /** @type {HTMLDialogElement} */ ($('ask-dialog'));
  #form = /** @type {HTMLFormElement} */ ($('ask-form'));
  #input = /** @type {HTMLInputElement} */ ($('ask-input'));
  #field = $('ask-field');
  #error = $('ask-error');
  #confirm = /** @type {HTMLButtonElement} */ ($('ask-confirm'));
  /** @type {AskOptions | null} */
  #current = null;
  /** @type {HTMLElement | null} */
  #opener = null;
  /** @type {(done: boolean) => void} */
  #settle = () => {};

  constructor() {
    $('ask-cancel').addEventListener('click', () => this.#dialog.close());
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#submit();
    });
    this.#input.addEventListener('input', () => {
      this.#error.textContent = '';
    });
    // Escape (the dialog's cancel) and Cancel both end here, as does a successful action.
    this.#dialog.addEventListener('close', () => {
      const opener = this.#opener;
      this.#current = null;
      this.#opener = null;
      // The opener may have been drawn anew meanwhile (a message re-rendered): then the caller decides.
      if (opener?.isConnected) opener.focus({ preventScroll: true });
      this.#settle(this.#dialog.returnValue === 'done');
    });
  }

  /**
   * Opens the dialog; resolves true once `run` succeeded, false when cancelled.
   * @param {AskOptions} options
   * @returns {Promise<boolean>}
   */
  open(options) {
    if (this.#dialog.open) this.#dialog.close();
    this.#current = options;
    this.#opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    $('ask-title').textContent = options.title;
    $('ask-text').textContent = options.text ?? '';
    $('ask-text').hidden = !options.text;
    this.#error.textContent = '';
    this.#confirm.textContent = options.action;
    this.#confirm.className = `button ${options.danger ? 'danger' : 'primary'}`;
    this.#confirm.disabled = false;
    const { field } = options;
    this.#field.hidden = !field;
    this.#input.value = '';
    this.#input.required = Boolean(field);
    if (field) {
      $('ask-label').textContent = field.label;
      this.#input.placeholder = field.placeholder ?? '';
      const options = (field.suggestions ?? []).map((name) =>
        Object.assign(document.createElement('option'), { value: name }),
      );
      $('ask-suggest').replaceChildren(...options);
    }
    this.#dialog.returnValue = '';
    this.#dialog.showModal();
    (field ? this.#input : this.#confirm).focus();
    return new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  async #submit() {
    const current = this.#current;
    if (!current || this.#confirm.disabled) return;
    const value = this.#input.value.trim();
    if (current.field && value === '') {
      this.#error.textContent = `Enter a ${current.field.label.toLowerCase()}.`;
      this.#input.focus();
      return;
    }
    this.#confirm.disabled = true;
    try {
      await current.run(value);
      if (this.#current === current) this.#dialog.close('done');
    } catch (err) {
      if (this.#current !== current) return;
      this.#error.textContent = err instanceof Error ? err.message : String(err);
      (current.field ? this.#input : this.#confirm).focus();
    } finally {
      this.#confirm.disabled = false;
    }
  }
}
