// RFC 3261 §12.2.2: a request is inside a dialog when Call-ID, To tag (ours) and From tag (theirs)
// match one. drachtio apps address dialogs by drachtio's dialog id instead (protocol §4.2).
import type { Dialog } from './dialog.js';

const key = (callId: string, localTag: string, remoteTag: string): string => `${callId}\u0000${localTag}\u0000${remoteTag}`;

/** Every live dialog, by drachtio id and by RFC 3261 dialog id. */
export class DialogTable {
  readonly #byId = new Map<string, Dialog>();
  readonly #byTags = new Map<string, Dialog>();
  readonly #byCallId = new Map<string, Dialog>();

  add(dialog: Dialog): void {
    this.#byId.set(dialog.id, dialog);
    this.#byCallId.set(dialog.callId, dialog);
    this.#byTags.set(key(dialog.callId, dialog.localTag, dialog.remoteTag), dialog);
  }

  /** By drachtio dialog id (app → server). */
  get(id: string): Dialog | undefined {
    return this.#byId.get(id);
  }

  /** §12.2.2 matching for a request from the network: its To tag is our tag, its From tag theirs. */
  match(callId: string, toTag: string, fromTag: string): Dialog | undefined {
    return this.#byTags.get(key(callId, toTag, fromTag));
  }

  /** Any dialog with this Call-ID (drachtio sends an app request with an existing Call-ID in that dialog). */
  findByCallId(callId: string): Dialog | undefined {
    return this.#byCallId.get(callId);
  }

  remove(dialog: Dialog): void {
    dialog.terminate();
    this.#byId.delete(dialog.id);
    if (this.#byCallId.get(dialog.callId) === dialog) this.#byCallId.delete(dialog.callId);
    this.#byTags.delete(key(dialog.callId, dialog.localTag, dialog.remoteTag));
  }

  /** Dialogs owned by one app connection (for the disconnect policy, protocol §5.10). */
  ownedBy(ownerId: string): Dialog[] {
    return [...this.#byId.values()].filter((d) => d.ownerId === ownerId);
  }

  get size(): number {
    return this.#byId.size;
  }
}
