/** A one-line progress bar for terminals; silent when stderr is not a TTY. */
export function progressBar(stream: NodeJS.WriteStream): {
  update(done: number, total: number): void;
  done(): void;
} {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = '';
  return {
    update(done, total) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const line = `[${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} samples`;
      if (line !== last) stream.write(`\r${line}`);
      last = line;
    },
    done() {
      if (last) stream.write('\r\x1b[2K');
    },
  };
}
