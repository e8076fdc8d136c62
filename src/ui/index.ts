export { mountUi, type MountedUi } from './mount-ui';
export { mountSyncButton, copyableClasses, isPinned, BUTTON_ID, type SyncButtonHandle } from './sync-button';
export { openSyncModal, isModalOpen, type ModalHandle } from './modal';
export { dotFor, DOT_COLOURS, type DotLook } from './status-dot';
export type {
  UiController,
  ModalState,
  ProbeStep,
  SaveOutcome,
  SyncNowOutcome,
  SignInOutcome,
  ActionOutcome,
  BackupsController,
  DeletedController,
  DeletedItem,
  ConflictItem,
  ConflictsController,
} from './controller';
