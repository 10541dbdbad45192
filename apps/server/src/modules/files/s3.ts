import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertKey, type FileStorage } from './storage';

export interface S3StorageOptions {
  bucket: string;
  /** An S3-compatible endpoint (MinIO, Ceph, ...); AWS when undefined. */
  endpoint?: string | undefined;
  region: string;
  /** Prefix inside the bucket. */
  prefix?: string;
  /** Credentials; else the SDK's default chain (environment, profile, instance role). */
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  timeoutMs?: number;
}

/** Files in an S3-compatible bucket through the official AWS SDK client; every call has a deadline. */
export function createS3Storage(opts: S3StorageOptions): FileStorage {
  const client = new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    ...(opts.accessKeyId && opts.secretAccessKey
      ? { credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } }
      : {}),
    maxAttempts: 2,
    // S3-compatible servers (MinIO, Ceph, s3rver) do not all know the SDK's newer default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const key = (k: string) => {
    assertKey(k);
    return `${opts.prefix ?? ''}${k}`;
  };
  const signal = () => AbortSignal.timeout(timeoutMs);
  return {
    kind: 's3',
    async put(k, data) {
      await client.send(
        new PutObjectCommand({
          Bucket: opts.bucket,
          Key: key(k),
          Body: data,
          ContentType: 'application/octet-stream',
          ServerSideEncryption: opts.endpoint ? undefined : 'AES256',
        }),
        { abortSignal: signal() },
      );
    },
    async get(k) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: opts.bucket, Key: key(k) }), {
          abortSignal: signal(),
        });
        if (!r.Body) return undefined;
        return Buffer.from(await r.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey')
          return undefined;
        throw err;
      }
    },
    async delete(k) {
      await client.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key(k) }), {
        abortSignal: signal(),
      });
    },
  };
}
