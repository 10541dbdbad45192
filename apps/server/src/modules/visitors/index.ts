export {
  createVisitorService,
  type VisitorContext,
  type VisitorGate,
  type VisitorService,
} from './service';
