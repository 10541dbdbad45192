import { z } from 'zod';

/**
 * Files in the chat (docs/files.md). A file is its own card in a conversation,
 * like a payment: uploaded over HTTP, checked (type from the bytes, ClamAV,
 * image re-encoding, OCR for card numbers) and only then downloadable.
 */

export const FileStatusSchema = z.enum(['checking', 'available', 'blocked']);
export type FileStatus = z.infer<typeof FileStatusSchema>;

/** Why a file was blocked: malware found by the scanner, or an image that showed a card number. */
export const FileBlockReasonSchema = z.enum(['malware', 'card', 'unreadable']);
export type FileBlockReason = z.infer<typeof FileBlockReasonSchema>;

/** The content types an organisation may allow; decided from the bytes, never from the name. */
export const FILE_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/svg+xml',
  'application/pdf',
  'text/plain',
] as const;
export const FileTypeSchema = z.enum(FILE_TYPES);
export type FileType = z.infer<typeof FileTypeSchema>;
/** Common images, PDF and plain text; SVG only when an admin allows it. */
export const DEFAULT_FILE_TYPES: readonly FileType[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
];

export const FileSummarySchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** Files sent together (one "message" of attachments) share a batch id chosen by the sender. */
  batchId: z.string(),
  clientId: z.string(),
  uploader: z.object({ kind: z.enum(['visitor', 'agent']), id: z.string() }),
  /** Masked like message text and sanitised. */
  name: z.string(),
  size: z.number().int(),
  /** Decided from the bytes. */
  type: z.string(),
  /** Images get a thumbnail and open full size; other files are named downloads. */
  kind: z.enum(['image', 'file']),
  status: FileStatusSchema,
  blockReason: FileBlockReasonSchema.nullable(),
  /** What the visitor or agent is told about a block; null otherwise. */
  notice: z.string().nullable(),
  /** ClamAV's signature name, for agents only (null for visitors and when not malware). */
  signature: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type FileSummary = z.infer<typeof FileSummarySchema>;

/** A file was uploaded or changed state in a conversation. */
export const FileFrameSchema = z.object({
  type: z.literal('file'),
  conversationId: z.string().min(1).max(64),
  file: FileSummarySchema,
});
export type FileFrame = z.infer<typeof FileFrameSchema>;

// ---- REST --------------------------------------------------------------------

/**
 * `PUT /api/(visitor/)conversations/:id/files/:clientId` with the raw bytes as
 * the body. The client id makes a retry idempotent: the same id never stores a
 * second file. The name comes in `x-file-name` (URI-encoded), the batch in `x-batch-id`.
 */
export const FileClientIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const FileUploadHeadersSchema = z.object({
  'x-file-name': z
    .string()
    .min(1)
    .max(1024)
    .transform((s, ctx) => {
      try {
        return decodeURIComponent(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'x-file-name must be URI-encoded' });
        return z.NEVER;
      }
    }),
  'x-batch-id': z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});

export const FileEnvelopeSchema = z.object({ file: FileSummarySchema });
export const FileListSchema = z.object({ files: z.array(FileSummarySchema) });
export const FileVariantSchema = z.enum(['original', 'thumb']);
export type FileVariant = z.infer<typeof FileVariantSchema>;
/** A short-lived signed URL for one file variant. */
export const FileLinkSchema = z.object({ url: z.string(), expiresAt: z.number().int() });

export const FileSettingsSchema = z.object({
  allowedTypes: z.array(FileTypeSchema).max(FILE_TYPES.length),
  /** Bytes; at most the server's PARLEY_FILES_MAX_BYTES. */
  maxBytes: z.number().int().min(1),
});
export type FileSettings = z.infer<typeof FileSettingsSchema>;
