import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` (debounced) when the file at `path` changes. The directory is watched, not the file: editors save
 * by writing a new file and renaming it over the old one, which a watch on the old file's inode would miss.
 */
export function watchFile(path: string, onChange: () => void, opts: { debounceMs?: number; onError?: (err: Error) => void } = {}): { close(): void } {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined = watch(dirname(path), { persistent: false }, (_event, changed) => {
    // Some platforms do not say which file changed: look again anyway.
    if (changed && changed.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, opts.debounceMs ?? 250);
    timer.unref();
  });
  watcher.on('error', (err) => opts.onError?.(err));
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}
