// V8 flags the server process runs with under `parley start` (the supervisor's child), and the
// chat bench with it (issue 18, must 7). The hot path allocates a few short-lived objects per
// message and frame; with Node's default young generation (16 MiB semi-spaces) the scavenger ran
// so often that garbage collection was 16–31% of the server's main thread under chat load, and
// 8% with 64 MiB (bench/README.md). The young generation grows to that size only under load, so
// an idle node's memory is unchanged; a busy one holds up to ~128 MiB more.
export const SEMI_SPACE_FLAG = '--max-semi-space-size';
export const SERVER_SEMI_SPACE_MB = 64;

/**
 * `execArgv` with the server's flags added, unless the operator chose the same flag already
 * (on the command line or in NODE_OPTIONS): theirs wins.
 */
export function withServerNodeFlags(
  execArgv: readonly string[],
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): string[] {
  const chosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some(
    (a) =>
      a === SEMI_SPACE_FLAG ||
      a.startsWith(`${SEMI_SPACE_FLAG}=`) ||
      a === '--max_semi_space_size' ||
      a.startsWith('--max_semi_space_size='),
  );
  return chosen ? [...execArgv] : [...execArgv, `${SEMI_SPACE_FLAG}=${SERVER_SEMI_SPACE_MB}`];
}
