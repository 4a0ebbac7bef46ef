/**
 * Lines of a file that another process is still writing (k6's `--out json=<file>`), read
 * as they arrive: chunked reads from the last position, a partial line kept until its
 * newline comes. Memory: one chunk plus one partial line.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TailOptions {
  /**
   * True once the writer is gone. Checked before each read: a read that finds nothing new
   * after `finished()` turned true ends the iteration (so everything written before the
   * writer exited is read). A file that never appeared ends it too.
   */
  finished: () => boolean;
  /** wait between reads that found nothing new, ms (default 100) */
  pollMs?: number;
  chunkBytes?: number;
}

/** Yields each line without its newline; a last line without newline is yielded at the end. */
export async function* tailLines(path: string, opts: TailOptions): AsyncGenerator<string> {
  const pollMs = opts.pollMs ?? 100;
  let fh: FileHandle | null = null;
  while (fh === null) {
    const done = opts.finished();
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (done) return;
      await sleep(pollMs);
    }
  }
  try {
    const buf = Buffer.allocUnsafe(opts.chunkBytes ?? 64 * 1024);
    const decoder = new StringDecoder('utf8');
    let position = 0;
    let partial = '';
    for (;;) {
      const done = opts.finished();
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      if (bytesRead === 0) {
        if (done) break;
        await sleep(pollMs);
        continue;
      }
      position += bytesRead;
      const text = partial + decoder.write(buf.subarray(0, bytesRead));
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
    }
    const rest = partial + decoder.end();
    if (rest !== '') yield rest;
  } finally {
    await fh.close();
  }
}
