/**
 * Puts the UI on the page: the Sync button (kept in the sidebar), its status dot following the sync status,
 * the first-time notice while the page is not configured, and the modal on click. The app calls this once with its controller.
 */
import type { UiController, UiSnapshot } from './controller';
import { mountSetupNotice } from './setup-notice';
import { openSyncModal, type ModalHandle } from './modal';
import { mountSyncButton } from './sync-button';

export interface MountedUi {
  openModal(): ModalHandle;
  dispose(): void;
}

export function mountUi(doc: Document, controller: UiController): MountedUi {
  const openModal = () => openSyncModal(doc, controller);
  const button = mountSyncButton(doc, () => void openModal());
  const notice = mountSetupNotice(doc, { open: () => void openModal(), dismiss: () => controller.dismissSetupNotice() });
  const render = (s: UiSnapshot) => {
    button.setStatus(s.status);
    notice.update(s.setupNotice);
  };
  render(controller.snapshot());
  const stop = controller.subscribe(render);
  return {
    openModal,
    dispose() {
      stop();
      button.dispose();
      notice.dispose();
    },
  };
}
