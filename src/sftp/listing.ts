// Directory listings built on opendir/readdir: `ls` (one directory, sorted, or a single file) and
// `walk` (a recursive listing that does not follow symlinks).
import { invalidArgument } from '../core/errors';
import type { SftpStats } from './attrs';
import type { SftpDirEntry, SftpRequests } from './client-surface';

/** An entry of ls or walk: a directory entry with its full remote path. */
export interface SftpListEntry extends SftpDirEntry {
  /** The entry's path: the listed path joined with `filename`. */
  path: string;
}

/** One entry of a walk, with its depth (1 = directly inside the root). */
export interface SftpWalkEntry extends SftpListEntry {
  /** 1 for an entry directly inside the root, 2 one level below, ... */
  depth: number;
}

/** Options of {@link SftpClient.ls}. */
export interface LsOptions {
  /** Include names starting with a dot. @default true */
  all?: boolean | undefined;
}

/** Options of {@link SftpClient.walk}. */
export interface WalkOptions {
  /** How deep to go: 1 lists only the root's entries. @default Infinity */
  maxDepth?: number | undefined;
  /** Skip a directory's contents when this returns false (the directory itself is still yielded). */
  descend?: ((entry: SftpWalkEntry) => boolean) | undefined;
}

/** The requests a listing sends. */
type ListingClient = Pick<SftpRequests, 'stat' | 'lstat' | 'readdirAll'>;

/** Joins a remote directory and a name without normalising `..` (remote paths are the server's business). */
export const joinRemote = (dir: string, name: string): string =>
  dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;

const baseName = (path: string): string => {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
};

/** Lists `path`: a directory's entries sorted by name (without `.` and `..`), or the one entry of a non-directory. */
export const ls = async (client: ListingClient, path: string, o: LsOptions = {}): Promise<SftpListEntry[]> => {
  const st: SftpStats = await client.stat(path);
  if (!st.isDirectory()) return [{ filename: baseName(path), longname: '', attrs: await client.lstat(path), path }];
  const entries = await client.readdirAll(path);
  return entries
    .filter((e) => o.all !== false || !e.filename.startsWith('.'))
    .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
    .map((e) => ({ ...e, path: joinRemote(path, e.filename) }));
};

/**
 * Every entry below directory `root`, depth first, parents before their contents, names sorted within a directory.
 * Symlinks are reported, not followed (readdir's attributes are lstat's).
 */
export async function* walk(client: ListingClient, root: string, o: WalkOptions = {}): AsyncGenerator<SftpWalkEntry> {
  const maxDepth = o.maxDepth ?? Infinity;
  if (!(maxDepth >= 1)) throw invalidArgument('sftp walk: maxDepth must be at least 1', o.maxDepth);
  async function* visit(dir: string, depth: number): AsyncGenerator<SftpWalkEntry> {
    const entries = (await client.readdirAll(dir)).sort((a, b) =>
      a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0,
    );
    for (const e of entries) {
      const entry: SftpWalkEntry = { ...e, path: joinRemote(dir, e.filename), depth };
      yield entry;
      if (e.attrs.isDirectory() && depth < maxDepth && (o.descend?.(entry) ?? true))
        yield* visit(entry.path, depth + 1);
    }
  }
  yield* visit(root, 1);
}
