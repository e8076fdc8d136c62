export { createDriveStore, DEFAULT_ROOT_FOLDER } from './drive-store';
export type { DriveStore, DriveStoreOptions } from './drive-store';
