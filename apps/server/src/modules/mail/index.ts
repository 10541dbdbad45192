export { createMailService, type MailService, type MailServiceOptions } from './service';
export { createSmtpTransport, type MailTransport, type SmtpConfig } from './transport';
export { TEMPLATES, type TemplateName, type TemplateData } from './templates';
