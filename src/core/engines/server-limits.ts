// What a server's version says about the sessions it survives on one connection, where only its version can tell
// (docs/servers.md). Applied when the user did not pass `maxSessions`: theirs wins. What the server refuses or loses
// later still lowers the limit (session-budget.ts).

/** A session limit known from the server's version, with the reason, for messages and docs. */
export interface KnownLimit {
  /** Sessions open at once on one connection. */
  readonly limit: number;
  /** Why, in a few words. */
  readonly why: string;
  /** Whether the server ends the connection when its first session ends (then no second one can open on it). */
  readonly oneSessionPerConnection?: boolean;
}

/**
 * The limit a server's software version implies, or undefined when the version says nothing.
 *
 * - dropbear (every version: we know of none that fixed it, seen on 2022.83) keeps one pending child exit per
 *   connection, so it loses the exit status of sessions that end at the same moment, and now and then drops the
 *   whole connection when several close together (`Failed assertion (common-channel.c:705): '!channel->sent_close'`):
 *   one session at a time.
 * - tinysshd (`tinyssh_20230101`) serves one session per connection and ends the connection when it ends.
 */
export const knownSessionLimit = (version: string | undefined): KnownLimit | undefined => {
  if (version === undefined) return undefined;
  if (/^dropbear/i.test(version))
    return {
      limit: 1,
      why:
        `${version} loses the exit status of sessions that end together and may drop the connection: one at a ` +
        'time (pass maxSessions to choose otherwise)',
    };
  if (/^tinyssh/i.test(version))
    return {
      limit: 1,
      why: `${version.split(' ')[0]} serves one session per connection and ends the connection when it ends`,
      oneSessionPerConnection: true,
    };
  return undefined;
};
