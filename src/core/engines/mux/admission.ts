// Admission control: how many sessions the engine keeps open on one master, and which queued
// request may go next. sshd refuses a session beyond MaxSessions, and on OpenSSH 9.2 a refused open
// on a proxy socket leaves the master unable to survive that socket's close; so we queue instead.

/**
 * Sessions the engine runs at once on a master whose server allows `maxSessions`: one fewer, because
 * sshd frees a session's slot slightly after the channel closes (a new open in the same batch as a
 * close would otherwise be refused). Tunnels do not count: MaxSessions limits sessions only.
 */
export const sessionLimit = (maxSessions: number): number => Math.max(1, Math.floor(maxSessions) - 1);

/** The part of a queued channel admission looks at. */
export interface Admissible {
  readonly isSession: boolean;
}

/**
 * Removes and returns the first queued item that may start now (a tunnel always may; a session only
 * below `limit`), keeping the order of the rest; undefined when none may.
 */
export const takeAdmissible = <T extends Admissible>(
  queue: T[],
  activeSessions: number,
  limit: number,
): T | undefined => {
  const i = activeSessions < limit ? 0 : queue.findIndex((q) => !q.isSession);
  if (i < 0 || i >= queue.length) return undefined;
  return queue.splice(i, 1)[0];
};

/**
 * The limit to keep after the server refused a session while `openNow` others were open or opening
 * on the master: the server's real MaxSessions is below what we were told, so never go above what it
 * just accepted (at least 1: a refusal with nothing else open is a real refusal, not a limit).
 */
export const learnedLimit = (limit: number, openNow: number): number => Math.max(1, Math.min(limit, openNow));
