export {
  BLOCKS_TOPIC,
  createBlockService,
  type BlockAnnouncement,
  type BlockService,
  type VisitorFacts,
} from './service';
export { registerBlockRoutes } from './routes';
export { presentBlock } from './presenter';
export { networkAround } from './network';
