// One rule for "the same username" in every store: names are compared on a key computed here, in the
// app (Unicode NFKC, then toLowerCase, which does not depend on a locale), never on a database's own
// case folding: SQLite's NOCASE folds ASCII only, PostgreSQL's lower() follows the database's locale,
// so 'Émile' and 'émile' were two accounts in one store and one in the other.
export const usernameKey = (username: string): string => username.normalize('NFKC').toLowerCase();

/** Names that share a key, each group in the order given: what one store held and the other would refuse. */
export function usernameClashes(usernames: readonly string[]): string[][] {
  const byKey = new Map<string, string[]>();
  for (const name of usernames) byKey.set(usernameKey(name), [...(byKey.get(usernameKey(name)) ?? []), name]);
  return [...byKey.values()].filter((group) => group.length > 1);
}
