import type { Organisation } from '../../store';

export function presentOrganisationSettings(org: Organisation) {
  return {
    id: org.id,
    key: org.key,
    name: org.name,
    greeting: org.greeting,
    allowedOrigins: org.allowedOrigins,
  };
}
