// Reading a Linux mount table (/proc/self/mounts or /proc/mounts text) to see whether a FUSE mount is up.

/** Decodes the octal escapes the kernel writes for spaces, tabs, newlines and backslashes in mount points. */
const decode = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Mount points in a mounts table whose file system type starts with `fstypePrefix` (e.g. 'fuse'). */
export const mountPoints = (table: string, fstypePrefix = ''): string[] =>
  table
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 3 && f[2]!.startsWith(fstypePrefix))
    .map((f) => decode(f[1]!));
