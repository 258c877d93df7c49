/** A progress bar on standard error: redrawn in place on a terminal, a line per finished step elsewhere. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const width = 30;
  let lastPercent = -1;
  return {
    update(label: string, done: number, total: number) {
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percent === lastPercent && done !== total) return;
      lastPercent = percent;
      if (stream.isTTY) {
        const filled = Math.round((percent / 100) * width);
        stream.write(
          `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(percent).padStart(3)}% ${label} ${done}/${total}\x1b[K`,
        );
        if (done === total) stream.write('\n');
      } else if (done === total) {
        stream.write(`${label}: ${total}\n`);
      }
      if (done === total) lastPercent = -1;
    },
  };
}
