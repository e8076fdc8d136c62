/**
 * Entry point of dist/cloudsync.js. Runs once per page: the global `window.typingMindCloudSync` is both the
 * public API and the load guard shared with the original extension.
 */
import type { CloudSyncApi } from './api';
import { startExtension } from './app';

declare global {
  interface Window {
    typingMindCloudSync?: unknown;
  }
}

if (window.typingMindCloudSync) {
  console.info('[CloudSync] TypingMind Cloud Sync is already loaded; this copy does nothing.');
} else {
  const api: CloudSyncApi = startExtension(window);
  Object.defineProperty(window, 'typingMindCloudSync', { value: api, configurable: false, writable: false, enumerable: false });
}
