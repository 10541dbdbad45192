import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.sessionIdleMinutes).toBe(15);
  });

  it('lists every bad setting at once, by its variable name', () => {
    let error: unknown;
    try {
      loadConfig({ PARLEY_PORT: 'eighty', DATABASE_URL: 'mysql://x', PARLEY_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PARLEY_PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/PARLEY_LOG_LEVEL/);
  });

  it('lets flags override the environment', () => {
    expect(loadConfig({ PARLEY_PORT: '9000' }, { port: 9100 }).port).toBe(9100);
  });

  it('caps the idle timeout at 15 minutes (PCI DSS 8.2.8) and checks SMTP settings together', () => {
    expect(() => loadConfig({ PARLEY_SESSION_IDLE_MINUTES: '16' })).toThrow(
      /PARLEY_SESSION_IDLE_MINUTES/,
    );
    const c = loadConfig({});
    expect(c).toMatchObject({ smtpPort: 587, smtpSecurity: 'starttls', mailMaxAttempts: 8 });
    expect(c.smtpHost).toBeUndefined();
    expect(() => loadConfig({ PARLEY_SMTP_HOST: 'smtp.example.com' })).toThrow(/PARLEY_SMTP_FROM/);
    expect(() =>
      loadConfig({
        PARLEY_SMTP_HOST: 'smtp.example.com',
        PARLEY_SMTP_FROM: 'parley@example.com',
        PARLEY_SMTP_USER: 'u',
      }),
    ).toThrow(/PARLEY_SMTP_PASSWORD/);
    expect(() => loadConfig({ PARLEY_SMTP_SECURITY: 'ssl' })).toThrow(/PARLEY_SMTP_SECURITY/);
  });
});
