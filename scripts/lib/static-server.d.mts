// Types for static-server.mjs, so TypeScript tests can import it.
export interface StaticServer {
  /** "http://127.0.0.1:<port>" */
  url: string;
  port: number;
  close(): Promise<void>;
}
/** URL prefix (ending in '/') → directory. */
export type Mounts = Record<string, string>;
export function resolveStaticPath(mounts: Mounts, urlPath: string): string | null;
export function startStaticServer(options: { port?: number; host?: string; mounts: Mounts }): Promise<StaticServer>;
