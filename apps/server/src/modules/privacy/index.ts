export {
  erase,
  type EraseReport,
  type EraseTarget,
  type EraseActor,
  type VaultEraser,
} from './service';
export { registerPrivacyRoutes } from './routes';
export { exportSubject, transcriptHtml, type SubjectExport } from './export';
export { previewErasure, resolveSubject, verifiedDetails } from './subject';
