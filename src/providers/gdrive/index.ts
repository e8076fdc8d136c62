export { createDriveStore, DEFAULT_ROOT_FOLDER } from './drive-store';
export type { DriveStore, DriveStoreOptions } from './drive-store';
export { createGoogleAuth, loadGisScript, DRIVE_SCOPE, GIS_SCRIPT_URL } from './google-auth';
export type { GoogleAuth, GoogleAuthOptions, GoogleToken, GoogleIdentity } from './google-auth';
