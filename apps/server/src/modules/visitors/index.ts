export {
  createVisitorService,
  type VisitorContext,
  type VisitorGate,
  type VisitorService,
} from './service';
export { createVisitorProof, type VisitorPowMode, type VisitorProof } from './proof';
