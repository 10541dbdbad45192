export { createNotesService, type NotesService, type DeskDeps } from './service';
export { createCannedService, type CannedService } from './canned';
export { registerDeskRoutes } from './routes';
export { deskAllowed, type DeskAction } from './policy';
export { presentNote, presentNoteFrame, presentCannedReply, presentParticipant } from './presenter';
export { createSuperviseService, type SuperviseService } from './supervise';
export { createNotificationsService, type NotificationsService } from './notifications';
