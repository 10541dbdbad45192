export { createFileService, type FileService, type FileDeps, type FileLimits } from './service';
export { registerFileRoutes } from './routes';
export { presentFile, presentFileFrame } from './presenter';
export { createDiskStorage } from './disk';
export { createS3Storage, type S3StorageOptions } from './s3';
export {
  deleteFileBytes,
  plainSealer,
  type FileStorage,
  type FileSealer,
  type SealContext,
} from './storage';
export { createDataKeySealer } from './sealer';
export { createClamdScanner, type ClamdOptions } from './clamd';
export { ScannerUnavailableError, type Scanner, type ScanResult } from './scanner';
export { createTesseractOcr, showsCardNumber, type Ocr } from './ocr';
export { createLinkSigner, type LinkSigner } from './links';
export { inspectFile } from './inspect';
export { stripImage } from './images';
