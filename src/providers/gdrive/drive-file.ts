/** A Drive file as the store reads it (v3 field names), and the fields it asks for. */
export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  modifiedTime?: string;
  createdTime?: string;
  size?: string;
  version?: string;
  /** Trashed itself or inside a trashed folder (Drive's own definition). */
  trashed?: boolean;
}

export const FILE_FIELDS = 'id,name,mimeType,modifiedTime,createdTime,size,version,trashed';

/** Our opaque etag: which file, and which version of it. */
export function etagOf(id: string, version: string | number | undefined): string {
  return `${id}:${version ?? 0}`;
}
