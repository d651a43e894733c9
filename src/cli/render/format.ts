// Numbers as people read them in a terminal: sizes, rates, durations; and fitting text to a width.

/** `1.5 MiB`, `512 B`. */
export const formatBytes = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
};

/** `0.12 s`, `3.4 s`, `2m05s`. */
export const formatDuration = (ms: number): string => {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

/** Cuts plain text to `width` characters (an ellipsis marks the cut). */
export const fit = (text: string, width: number): string =>
  width > 0 && text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;

/** The first line of an error message, for one-line displays. */
export const oneLine = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' / ');
