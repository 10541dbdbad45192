export { createVisitorService, type VisitorContext, type VisitorService } from './service';
