declare const __CLOUDSYNC_VERSION__: string;
