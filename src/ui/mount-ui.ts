/**
 * Puts the UI on the page: the Sync button (kept in the sidebar), its status dot following the sync status,
 * and the modal on click. The app calls this once with its controller.
 */
import type { UiController } from './controller';
import { openSyncModal, type ModalHandle } from './modal';
import { mountSyncButton } from './sync-button';

export interface MountedUi {
  openModal(): ModalHandle;
  dispose(): void;
}

export function mountUi(doc: Document, controller: UiController): MountedUi {
  const openModal = () => openSyncModal(doc, controller);
  const button = mountSyncButton(doc, () => void openModal());
  button.setStatus(controller.status());
  const stop = controller.onStatus((s) => button.setStatus(s));
  return {
    openModal,
    dispose() {
      stop();
      button.dispose();
    },
  };
}
