// Files in the chat (0011-files): one row per uploaded file, and each
// organisation's file settings. The bytes live in the file storage
// (modules/files/storage.ts), never in the database.

export interface FilesTable {
  id: string;
  org_id: string;
  conversation_id: string;
  uploader_kind: 'visitor' | 'agent';
  uploader_id: string;
  client_id: string; // the uploader's idempotency key: one file per (org, uploader, client id)
  batch_id: string;
  name: string; // masked and sanitised
  size: number;
  mime: string; // decided from the bytes
  status: 'checking' | 'available' | 'blocked';
  block_reason: 'malware' | 'card' | 'unreadable' | null;
  signature: string | null; // ClamAV signature name
  width: number | null;
  height: number | null;
  has_thumb: number; // 0 | 1
  attempts: number; // scan/OCR attempts that failed for want of the scanner
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
}

export interface FileSettingsTable {
  org_id: string;
  allowed_types: string; // JSON array of content types
  max_bytes: number;
  updated_at: number;
}

export interface FileTables {
  files: FilesTable;
  file_settings: FileSettingsTable;
}

export interface FileRow {
  id: string;
  orgId: string;
  conversationId: string;
  uploaderKind: 'visitor' | 'agent';
  uploaderId: string;
  clientId: string;
  batchId: string;
  name: string;
  size: number;
  mime: string;
  status: 'checking' | 'available' | 'blocked';
  blockReason: 'malware' | 'card' | 'unreadable' | null;
  signature: string | null;
  width: number | null;
  height: number | null;
  hasThumb: boolean;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

export type FileInsert = Omit<
  FileRow,
  | 'status'
  | 'blockReason'
  | 'signature'
  | 'width'
  | 'height'
  | 'hasThumb'
  | 'attempts'
  | 'nextAttemptAt'
  | 'updatedAt'
>;

export type FilePatch = Partial<
  Pick<
    FileRow,
    | 'status'
    | 'blockReason'
    | 'signature'
    | 'mime'
    | 'size'
    | 'width'
    | 'height'
    | 'hasThumb'
    | 'attempts'
    | 'nextAttemptAt'
  >
> & { updatedAt: number };

export interface FileSettingsRow {
  orgId: string;
  allowedTypes: string[];
  maxBytes: number;
  updatedAt: number;
}

export interface FilesRepo {
  /** Stores a new file, or returns the one the uploader already sent under the same client id. */
  create(input: FileInsert): Promise<{ row: FileRow; duplicate: boolean }>;
  byId(orgId: string, id: string): Promise<FileRow | undefined>;
  listForConversation(orgId: string, conversationId: string): Promise<FileRow[]>;
  /** Changes a file; `onlyIf` makes it conditional on the current status (a job and a retry never both win). */
  update(
    orgId: string,
    id: string,
    patch: FilePatch,
    onlyIf?: FileRow['status'],
  ): Promise<FileRow | undefined>;
  /** Files still checking whose next attempt is due, oldest first, across organisations (the retry job). */
  due(now: number, limit: number): Promise<FileRow[]>;
  /** Files and bytes uploaded since `since`, by one uploader or by the whole organisation. */
  usage(
    orgId: string,
    since: number,
    uploaderId?: string,
  ): Promise<{ count: number; bytes: number }>;
  settings(orgId: string): Promise<FileSettingsRow | undefined>;
  putSettings(orgId: string, allowedTypes: string[], maxBytes: number, now: number): Promise<void>;
  /** Deletes the rows of a conversation's files (erasure; the bytes are deleted by the caller). */
  deleteForConversation(orgId: string, conversationId: string): Promise<number>;
}
