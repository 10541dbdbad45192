// `parley start`'s supervisor (issue 18, must 1): the server runs in a child
// process; when it ends on its own — exit 70 after the process guard drained it
// (lib/process-guard.ts), any other failure status, or a signal nobody here sent
// (an out-of-memory kill) — the supervisor starts a fresh one after a back-off,
// at most MAX_RESTARTS within RESTART_WINDOW_MS, each restart logged. Loads none
// of the server: the child is this same command line with PARLEY_SUPERVISED=1.
import { spawn, type ChildProcess } from 'node:child_process';
import { withServerNodeFlags } from './node-flags';

/** Set in the child's environment: run the server itself, not another supervisor. */
export const SUPERVISED_ENV = 'PARLEY_SUPERVISED';

export interface SupervisorOptions {
  /** Restarts allowed within `windowMs` before the supervisor gives up (exits with the child's status). */
  maxRestarts?: number;
  windowMs?: number;
  /** First back-off; doubles after each restart inside the window, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** One JSON line on stdout, like the server's own log lines (pino's numeric levels). */
function log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void {
  const levels = { info: 30, warn: 40, error: 50 } as const;
  process.stdout.write(
    `${JSON.stringify({ level: levels[level], time: Date.now(), pid: process.pid, name: 'parley-supervisor', ...fields, msg })}\n`,
  );
}

/** Runs the current command line as a supervised child until it stops for good; never returns normally. */
export function supervise(options: SupervisorOptions = {}): Promise<never> {
  const maxRestarts =
    options.maxRestarts ?? envNumber('PARLEY_SUPERVISOR_MAX_RESTARTS', MAX_RESTARTS);
  const windowMs = options.windowMs ?? RESTART_WINDOW_MS;
  const backoffMs = options.backoffMs ?? BACKOFF_MS;
  const maxBackoffMs = options.maxBackoffMs ?? MAX_BACKOFF_MS;
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts: number[] = [];
  let timer: NodeJS.Timeout | undefined;

  return new Promise<never>(() => {
    const start = (): void => {
      timer = undefined;
      // The server's V8 flags (node-flags.ts: a young generation sized for the chat hot path).
      child = spawn(
        process.execPath,
        [...withServerNodeFlags(process.execArgv), ...process.argv.slice(1)],
        {
          stdio: 'inherit',
          env: { ...process.env, [SUPERVISED_ENV]: '1' },
        },
      );
      const started = child;
      log('info', { childPid: started.pid, restarts: restarts.length }, 'server process started');
      started.once('error', (err) => {
        log('error', { err: err.message }, 'server process could not start');
      });
      started.once('exit', (code, signal) => {
        child = undefined;
        if (stopping) process.exit(code ?? 0);
        const now = Date.now();
        restarts = restarts.filter((t) => now - t < windowMs);
        if (code === 0) {
          log('info', {}, 'server process exited normally');
          process.exit(0);
        }
        if (restarts.length >= maxRestarts) {
          log(
            'error',
            { code, signal, restarts: restarts.length, windowMs },
            'server process keeps failing; giving up',
          );
          process.exit(code ?? 1);
        }
        const delay = Math.min(maxBackoffMs, backoffMs * 2 ** restarts.length);
        restarts.push(now);
        log(
          'warn',
          { code, signal, delayMs: delay, restart: restarts.length, of: maxRestarts, windowMs },
          'server process ended; restarting',
        );
        timer = setTimeout(start, delay);
      });
    };
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      if (!child) process.exit(0);
      // The child drains on SIGTERM (run-commands.ts onShutdown) and its exit ends this process.
      child.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    start();
  });
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
