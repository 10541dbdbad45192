// Wires the files module (docs/files.md) into a node: storage, scanner, OCR, routes, retry job.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus';
import type { Config } from './config';
import type { Logger } from './logger';
import { instrumentScanner } from './lib/instrument';
import type { Metrics } from './lib/metrics';
import type { Store } from './store';
import type { AuthRouteOptions } from './modules/auth';
import type { ChatService } from './modules/chat';
import {
  createClamdScanner,
  createDiskStorage,
  createFileService,
  createLinkSigner,
  createS3Storage,
  createTesseractOcr,
  createDataKeySealer,
  registerFileRoutes,
  type FileService,
  type FileStorage,
} from './modules/files';
import { derivedKey, type Keyring, type SecurityEvents } from './modules/security';
import type { VisitorService } from './modules/visitors';

export type { FileService };

/** Where file bytes live (docs/files.md): the bucket when one is configured, else the data directory. */
export function fileStorageFor(config: Config): FileStorage {
  return config.filesS3Bucket
    ? createS3Storage({
        bucket: config.filesS3Bucket,
        endpoint: config.filesS3Endpoint,
        region: config.filesS3Region,
        accessKeyId: process.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
      })
    : createDiskStorage(join(config.dataDir, 'files'));
}

export async function createFiles(deps: {
  config: Config;
  /** The same storage erasure deletes from (privacy routes, consent, CLI). */
  storage: FileStorage;
  app: FastifyInstance;
  store: Store;
  bus: Bus;
  chat: ChatService;
  events: SecurityEvents;
  log: Logger;
  keyring: Keyring;
  visitors: VisitorService;
  authRoutes: AuthRouteOptions;
  /** Counts scan results (parley_file_scan_results_total). */
  metrics?: Metrics;
}): Promise<FileService> {
  const { config, log } = deps;
  const clamd =
    config.filesClamdSocket || (config.filesClamdHost && config.filesClamdPort)
      ? createClamdScanner({
          socket: config.filesClamdSocket,
          host: config.filesClamdHost,
          port: config.filesClamdPort,
          timeoutMs: config.filesScanTimeoutMs,
        })
      : undefined;
  const scanner = clamd && deps.metrics ? instrumentScanner(clamd, deps.metrics) : clamd;
  if (!scanner)
    log.warn(
      'files: no clamd configured (PARLEY_CLAMD_SOCKET or PARLEY_CLAMD_HOST/PORT); uploads are refused',
    );
  const { storage } = deps;
  const files = createFileService({
    store: deps.store,
    bus: deps.bus,
    chat: deps.chat,
    events: deps.events,
    log,
    storage,
    sealer: createDataKeySealer(deps.store.dataKeys),
    scanner,
    ocr: config.filesOcr === 'on' ? createTesseractOcr() : undefined,
    links: createLinkSigner(derivedKey(deps.keyring, 'files'), config.filesLinkSeconds),
    limits: {
      maxBytes: config.filesMaxBytes,
      perUploaderPerHour: config.filesPerUploaderPerHour,
      orgBytesPerDay: config.filesOrgBytesPerDay,
      workers: config.filesWorkers,
      queueMax: config.filesQueueMax,
      uploadsInFlight: Math.max(4, config.filesWorkers * 4),
      retryBaseMs: Math.max(50, config.filesRetrySeconds * 1000),
      retryEveryMs: Math.max(50, config.filesRetrySeconds * 1000),
    },
  });
  registerFileRoutes(deps.app, { files, visitors: deps.visitors, authRoutes: deps.authRoutes });
  files.start();
  return files;
}
