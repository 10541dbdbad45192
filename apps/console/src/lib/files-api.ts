import {
  FileLinkSchema,
  FileListSchema,
  type FileSummary,
  type FileVariant,
} from '@parley/protocol';
import { call } from './api';

const enc = encodeURIComponent;

/** REST calls of files in the chat (docs/files.md); uploads go by XHR (views/attachments.tsx). */
export const filesApi = {
  list: async (conversationId: string): Promise<FileSummary[]> =>
    (await call(FileListSchema, `/api/conversations/${enc(conversationId)}/files`)).files,
  /** A short-lived signed URL for the file or its thumbnail. */
  link: async (id: string, variant: FileVariant): Promise<string> =>
    (await call(FileLinkSchema, `/api/files/${enc(id)}/link?variant=${variant}`)).url,
  uploadBase: (conversationId: string): string => `/api/conversations/${enc(conversationId)}/files`,
};
