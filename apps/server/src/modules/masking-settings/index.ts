export {
  createMaskingSettingsService,
  MASKING_SETTINGS_TOPIC,
  type MaskingSettingsService,
} from './service';
export { registerMaskingSettingsRoutes } from './routes';
