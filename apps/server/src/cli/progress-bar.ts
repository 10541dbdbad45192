/** A one-line progress bar on an interactive terminal; nothing otherwise. */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ((done: number, total: number) => void) & { end(): void } {
  let last = -1;
  const draw = (done: number, total: number): void => {
    if (!stream.isTTY) return;
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% (${mb(done)} of ${mb(total)} MB)`,
    );
  };
  return Object.assign(draw, {
    end(): void {
      if (stream.isTTY && last >= 0) stream.write('\n');
    },
  });
}
